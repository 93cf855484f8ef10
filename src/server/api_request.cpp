#include "server/api_request.h"

#include <cmath>
#include <limits>

#include "server/api_error.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {
namespace {

std::string type_name(const Json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

[[noreturn]] void wrong_type(const std::string& name, const char* expected, const Json& value) {
  bad_request(name, "'" + name + "' must be " + expected + ", got " + type_name(value));
}

// A field that is absent or null counts as not given (OpenAI's SDKs send nulls for unset fields).
const Json* given(const Json& root, const std::string& name) {
  auto it = root.find(name);
  return it == root.end() || it->is_null() ? nullptr : &*it;
}

// An integer field within [lo, hi]; floats (even 2.0) and out-of-range values are refused.
long long integer_in(const Json& value, const std::string& name, long long lo, long long hi) {
  if (!value.is_number_integer()) wrong_type(name, "an integer", value);
  const bool too_big = value.is_number_unsigned() &&
                       value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<long long>::max());
  const long long v = too_big ? 0 : value.get<long long>();
  if (too_big || v < lo || v > hi)
    bad_request(name, "'" + name + "' must be between " + std::to_string(lo) + " and " +
                          std::to_string(hi) + ", got " + value.dump());
  return v;
}

double number(const Json& value, const std::string& name) {
  if (!value.is_number()) wrong_type(name, "a number", value);
  const double v = value.get<double>();
  if (!std::isfinite(v)) bad_request(name, "'" + name + "' must be a finite number");
  return v;
}

bool boolean(const Json& value, const std::string& name) {
  if (!value.is_boolean()) wrong_type(name, "a boolean", value);
  return value.get<bool>();
}

std::string string_field(const Json& value, const std::string& name) {
  if (!value.is_string()) wrong_type(name, "a string", value);
  return value.get<std::string>();
}

Json parse_body(std::string_view body, const ApiLimits& limits) {
  if (body.size() > limits.max_body_bytes)
    throw ApiError(413, "request body has " + std::to_string(body.size()) + " bytes, over the limit of " +
                            std::to_string(limits.max_body_bytes) + " (--max-body-bytes)",
                   "", "request_too_large");
  try {
    check_json_depth(body, "request body", limits.max_json_depth);
  } catch (const Error& e) {
    bad_request("", e.what());
  }
  Json root;
  try {
    root = Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    bad_request("", std::string("request body is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) bad_request("", "request body must be a JSON object, got " + type_name(root));
  return root;
}

void parse_prompts(const Json& root, const ApiLimits& limits, ApiRequest& out) {
  const Json* prompt = given(root, "prompt");
  if (!prompt) bad_request("prompt", "'prompt' is required");
  if (prompt->is_string()) {
    out.prompts.push_back(prompt->get<std::string>());
    return;
  }
  if (!prompt->is_array()) wrong_type("prompt", "a string or a list of strings", *prompt);
  if (prompt->empty()) bad_request("prompt", "'prompt' must not be an empty list");
  if (static_cast<long long>(prompt->size()) > limits.max_prompts)
    bad_request("prompt", "'prompt' has " + std::to_string(prompt->size()) + " prompts, over the limit of " +
                              std::to_string(limits.max_prompts));
  for (size_t i = 0; i < prompt->size(); ++i) {
    const Json& item = (*prompt)[i];
    if (item.is_number_integer() || item.is_array())
      bad_request("prompt", "token-id prompts are not supported by this server; send text");
    out.prompts.push_back(string_field(item, "prompt[" + std::to_string(i) + "]"));
  }
}

// A message's content: a string, null (an assistant turn that said nothing) or a list of parts of
// which only {"type": "text", "text": ...} is supported.
std::string message_content(const Json& message, const std::string& where) {
  const Json* content = given(message, "content");
  if (!content) return "";
  if (content->is_string()) return content->get<std::string>();
  if (!content->is_array()) wrong_type(where + ".content", "a string or a list of content parts", *content);
  std::string text;
  for (size_t i = 0; i < content->size(); ++i) {
    const std::string part_name = where + ".content[" + std::to_string(i) + "]";
    const Json& part = (*content)[i];
    if (!part.is_object()) wrong_type(part_name, "an object", part);
    const Json* type = given(part, "type");
    if (!type || !type->is_string() || type->get<std::string>() != "text")
      bad_request(part_name, "'" + part_name + "': only content parts of type \"text\" are supported");
    const Json* part_text = given(part, "text");
    if (!part_text) bad_request(part_name + ".text", "'" + part_name + ".text' is required");
    text += string_field(*part_text, part_name + ".text");
  }
  return text;
}

void parse_messages(const Json& root, ApiRequest& out) {
  const Json* messages = given(root, "messages");
  if (!messages) bad_request("messages", "'messages' is required");
  if (!messages->is_array()) wrong_type("messages", "a list of messages", *messages);
  if (messages->empty()) bad_request("messages", "'messages' must not be empty");
  for (size_t i = 0; i < messages->size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const Json& message = (*messages)[i];
    if (!message.is_object()) wrong_type(where, "an object", message);
    const Json* role = given(message, "role");
    if (!role) bad_request(where + ".role", "'" + where + ".role' is required");
    out.messages.push_back({string_field(*role, where + ".role"), message_content(message, where)});
  }
}

void parse_stop(const Json& root, const ApiLimits& limits, SamplingParams& params) {
  const Json* stop = given(root, "stop");
  if (!stop) return;
  std::vector<std::string> list;
  if (stop->is_string()) {
    list.push_back(stop->get<std::string>());
  } else if (stop->is_array()) {
    if (static_cast<long long>(stop->size()) > limits.max_stop)
      bad_request("stop", "'stop' has " + std::to_string(stop->size()) + " strings, over the limit of " +
                              std::to_string(limits.max_stop));
    for (size_t i = 0; i < stop->size(); ++i)
      list.push_back(string_field((*stop)[i], "stop[" + std::to_string(i) + "]"));
  } else {
    wrong_type("stop", "a string or a list of strings", *stop);
  }
  for (auto& s : list)
    if (!s.empty()) params.stop.push_back(std::move(s));  // an empty stop string would end at once
}

// Fields of features this server does not have: accepted at their "off" value, refused otherwise.
void refuse_unsupported(const Json& root, ApiRoute route, int n) {
  auto unsupported = [](const std::string& name, const std::string& what) {
    bad_request(name, what + " ('" + name + "') is not supported by this server");
  };
  if (const Json* v = given(root, "logprobs")) {
    const bool off = route == ApiRoute::Chat ? boolean(*v, "logprobs") == false
                                             : integer_in(*v, "logprobs", 0, 20) == 0;
    if (!off) unsupported("logprobs", "log probabilities");
  }
  if (const Json* v = given(root, "top_logprobs"))
    if (integer_in(*v, "top_logprobs", 0, 20) != 0) unsupported("top_logprobs", "log probabilities");
  for (const char* name : {"presence_penalty", "frequency_penalty"})
    if (const Json* v = given(root, name))
      if (number(*v, name) != 0) unsupported(name, "repetition penalties");
  if (const Json* v = given(root, "logit_bias")) {
    if (!v->is_object()) wrong_type("logit_bias", "an object", *v);
    if (!v->empty()) unsupported("logit_bias", "logit biases");
  }
  if (const Json* v = given(root, "best_of"))
    if (integer_in(*v, "best_of", 1, 1000) != n) unsupported("best_of", "best_of other than n");
  if (const Json* v = given(root, "suffix"))
    if (!string_field(*v, "suffix").empty()) unsupported("suffix", "suffixes");
  for (const char* name : {"tools", "functions"}) {
    if (const Json* v = given(root, name)) {
      if (!v->is_array()) wrong_type(name, "a list", *v);
      if (!v->empty()) unsupported(name, "tool calling");
    }
  }
  if (const Json* v = given(root, "response_format")) {
    if (!v->is_object()) wrong_type("response_format", "an object", *v);
    const Json* type = given(*v, "type");
    if (type && string_field(*type, "response_format.type") != "text")
      unsupported("response_format", "structured output");
  }
  if (const Json* v = given(root, "user")) string_field(*v, "user");
}

}  // namespace

ApiRequest parse_api_request(ApiRoute route, std::string_view body, const ApiLimits& limits) {
  const Json root = parse_body(body, limits);
  ApiRequest out;
  out.route = route;
  const Json* model = given(root, "model");
  if (!model) bad_request("model", "'model' is required");
  out.model = string_field(*model, "model");

  if (route == ApiRoute::Completions)
    parse_prompts(root, limits, out);
  else
    parse_messages(root, out);

  SamplingParams& p = out.params;
  if (const Json* v = given(root, "n")) p.n = static_cast<int>(integer_in(*v, "n", 1, limits.max_n));
  // Chat's newer name for max_tokens wins when both are sent.
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    if (route == ApiRoute::Completions && std::string(name) == "max_completion_tokens") continue;
    if (const Json* v = given(root, name))
      out.max_tokens = static_cast<int>(integer_in(*v, name, 1, limits.max_tokens));
  }
  if (const Json* v = given(root, "temperature")) {
    p.temperature = number(*v, "temperature");
    if (p.temperature < 0) bad_request("temperature", "'temperature' must be >= 0, got " + v->dump());
  }
  if (const Json* v = given(root, "top_p")) {
    p.top_p = number(*v, "top_p");
    if (!(p.top_p > 0 && p.top_p <= 1)) bad_request("top_p", "'top_p' must be in (0, 1], got " + v->dump());
  }
  // vLLM's extra; -1 and 0 both mean no cut.
  if (const Json* v = given(root, "top_k"))
    p.top_k = std::max(0, static_cast<int>(integer_in(*v, "top_k", -1, std::numeric_limits<int>::max())));
  if (const Json* v = given(root, "seed")) {
    if (!v->is_number_integer()) wrong_type("seed", "an integer", *v);
    out.seed = v->is_number_unsigned() ? v->get<uint64_t>() : static_cast<uint64_t>(v->get<int64_t>());
  }
  parse_stop(root, limits, p);
  if (const Json* v = given(root, "ignore_eos")) p.ignore_eos = boolean(*v, "ignore_eos");  // vLLM's extra
  if (const Json* v = given(root, "stream")) out.stream = boolean(*v, "stream");
  if (const Json* v = given(root, "stream_options")) {
    if (!v->is_object()) wrong_type("stream_options", "an object", *v);
    if (const Json* usage = given(*v, "include_usage"))
      out.include_usage = boolean(*usage, "stream_options.include_usage");
  }
  if (route == ApiRoute::Completions)
    if (const Json* v = given(root, "echo")) out.echo = boolean(*v, "echo");
  refuse_unsupported(root, route, p.n);
  return out;
}

}  // namespace regenesis
