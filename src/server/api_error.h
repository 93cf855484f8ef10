#pragma once
// An HTTP error answer in OpenAI's shape:
//   {"error": {"message": ..., "type": "invalid_request_error", "param": ..., "code": ...}}
// Thrown by request parsing and by the handlers; the server turns it into the response.
#include <stdexcept>
#include <string>

namespace regenesis {

class ApiError : public std::runtime_error {
 public:
  // `param` names the offending request field ("" when none); `code` is a short machine tag
  // ("" for none), e.g. "model_not_found".
  ApiError(int status, const std::string& message, std::string param = "", std::string code = "",
           std::string type = "invalid_request_error");

  int status() const { return status_; }
  const std::string& param() const { return param_; }
  const std::string& code() const { return code_; }
  const std::string& type() const { return type_; }

 private:
  int status_;
  std::string param_, code_, type_;
};

// The JSON body for an error; empty param/code are sent as null, as OpenAI does.
std::string api_error_body(const ApiError& error);

// Shorthands for the common cases.
[[noreturn]] void bad_request(const std::string& param, const std::string& message);
[[noreturn]] void server_error(const std::string& message);  // 500, type "server_error"

}  // namespace regenesis
