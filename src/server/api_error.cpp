#include "server/api_error.h"

#include "util/json.h"

namespace regenesis {

ApiError::ApiError(int status, const std::string& message, std::string param, std::string code,
                   std::string type)
    : std::runtime_error(message),
      status_(status),
      param_(std::move(param)),
      code_(std::move(code)),
      type_(std::move(type)) {}

std::string api_error_body(const ApiError& error) {
  OrderedJson body = {{"error",
                       {{"message", error.what()},
                        {"type", error.type()},
                        {"param", error.param().empty() ? OrderedJson() : OrderedJson(error.param())},
                        {"code", error.code().empty() ? OrderedJson() : OrderedJson(error.code())}}}};
  // Messages may quote the client's bytes, which need not be valid UTF-8.
  return body.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

void bad_request(const std::string& param, const std::string& message) {
  throw ApiError(400, message, param);
}

void server_error(const std::string& message) {
  throw ApiError(500, message, "", "", "server_error");
}

}  // namespace regenesis
