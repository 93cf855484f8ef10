#include "engine/openai_client_wire.h"

#include <algorithm>
#include <limits>

#include "util/error.h"
#include "util/json.h"

namespace regenesis {

const char* openai_route_path(OpenAIRoute route) {
  return route == OpenAIRoute::Chat ? "/chat/completions" : "/completions";
}

std::string build_openai_body(const GenerationRequest& request, OpenAIRoute route,
                              const std::string& model, int n, uint64_t seed) {
  const SamplingParams& params = request.params;
  Json body = Json::object();
  body["model"] = model;
  if (route == OpenAIRoute::Chat) {
    Json messages = Json::array();
    for (const auto& message : request.messages) {
      messages.push_back({{"role", message.role}, {"content", message.content}});
    }
    body["messages"] = std::move(messages);
  } else {
    body["prompt"] = request.prompt.value_or("");
  }
  body["max_tokens"] = params.max_tokens;
  body["temperature"] = params.temperature;
  body["top_p"] = params.top_p;
  if (params.top_k > 0) body["top_k"] = params.top_k;
  body["n"] = n;
  body["seed"] = static_cast<int64_t>(seed & static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  if (!params.stop.empty()) body["stop"] = params.stop;
  body["stream"] = false;
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

// Splits `amount` over `targets` in proportion to text length (+1 so empty texts get a share),
// rounding so that the shares add up to exactly `amount`.
void distribute(const std::vector<Completion*>& targets, long long amount) {
  long long weight_total = 0;
  for (const Completion* c : targets) weight_total += static_cast<long long>(c->text.size()) + 1;
  long long cumulative_weight = 0, given = 0;
  for (Completion* c : targets) {
    cumulative_weight += static_cast<long long>(c->text.size()) + 1;
    long long until_here = amount * cumulative_weight / weight_total;
    c->completion_tokens += static_cast<int>(until_here - given);
    given = until_here;
  }
}

void share_completion_tokens(std::vector<Completion>& completions, long long total, int max_tokens) {
  std::vector<Completion*> cut, stopped, all;
  for (auto& c : completions) {
    c.completion_tokens = 0;
    all.push_back(&c);
    (c.finish == FinishReason::Length ? cut : stopped).push_back(&c);
  }
  long long reserved = static_cast<long long>(cut.size()) * max_tokens;
  if (completions.size() == 1 || reserved > total || (stopped.empty() && reserved != total)) {
    distribute(all, total);  // no better guess (e.g. cut by the context length, not max_tokens)
    return;
  }
  for (Completion* c : cut) c->completion_tokens = max_tokens;
  if (!stopped.empty()) distribute(stopped, total - reserved);
}

const Json& field(const Json& object, const char* name, const std::string& where) {
  if (!object.is_object()) throw MalformedResponse(where + " is not a JSON object");
  auto it = object.find(name);
  if (it == object.end()) throw MalformedResponse(where + " has no field '" + name + "'");
  return *it;
}

long long usage_count(const Json& usage, const char* name) {
  auto it = usage.find(name);
  if (it == usage.end() || it->is_null()) return 0;
  if (!it->is_number_integer() || it->get<long long>() < 0) {
    throw MalformedResponse(std::string("usage.") + name + " is not a non-negative integer");
  }
  return it->get<long long>();
}

}  // namespace

ParsedResponse parse_openai_response(const std::string& body, OpenAIRoute route, int expected_n,
                                     int max_tokens) {
  Json root;
  try {
    check_json_depth(body, "response");  // a deep value would recurse when copied or dumped
    root = Json::parse(body);
  } catch (const Json::parse_error& e) {
    std::string start = body.substr(0, 80);
    throw MalformedResponse("invalid JSON at byte " + std::to_string(e.byte) + " (body starts '" +
                            start + "')");
  } catch (const Json::exception& e) {  // a number beyond double (1e400)
    throw MalformedResponse(std::string("invalid JSON: ") + e.what());
  } catch (const Error& e) {
    throw MalformedResponse(e.what());
  }
  const Json& choices = field(root, "choices", "response");
  if (!choices.is_array()) throw MalformedResponse("response field 'choices' is not an array");
  if (static_cast<int>(choices.size()) != expected_n) {
    throw MalformedResponse("response has " + std::to_string(choices.size()) + " choices, asked for " +
                            std::to_string(expected_n));
  }

  ParsedResponse parsed;
  parsed.completions.resize(expected_n);
  std::vector<bool> seen(expected_n, false);
  for (size_t k = 0; k < choices.size(); ++k) {
    const Json& choice = choices[k];
    std::string where = "choices[" + std::to_string(k) + "]";
    size_t index = k;
    if (choice.is_object() && choice.contains("index")) {
      const Json& value = choice["index"];
      if (!value.is_number_integer() || value.get<long long>() < 0 ||
          value.get<long long>() >= expected_n) {
        throw MalformedResponse(where + ".index is not an index below n");
      }
      index = value.get<size_t>();
    }
    if (seen[index]) throw MalformedResponse(where + " repeats choice index " + std::to_string(index));
    seen[index] = true;
    const Json* text = nullptr;
    if (route == OpenAIRoute::Chat) {
      text = &field(field(choice, "message", where), "content", where + ".message");
    } else {
      text = &field(choice, "text", where);
    }
    Completion& completion = parsed.completions[index];
    if (text->is_string()) {
      completion.text = text->get<std::string>();
    } else if (!text->is_null()) {  // null content: the model said nothing
      throw MalformedResponse(where + " text is not a string");
    }
    auto reason = choice.find("finish_reason");
    bool by_length = reason != choice.end() && reason->is_string() && *reason == "length";
    completion.finish = by_length ? FinishReason::Length : FinishReason::Stop;
  }

  auto usage = root.find("usage");
  if (usage != root.end() && !usage->is_null()) {
    if (!usage->is_object()) throw MalformedResponse("response field 'usage' is not an object");
    parsed.prompt_tokens = static_cast<int>(usage_count(*usage, "prompt_tokens"));
    parsed.completion_tokens = usage_count(*usage, "completion_tokens");
  }
  share_completion_tokens(parsed.completions, parsed.completion_tokens, max_tokens);
  return parsed;
}

std::string openai_error_message(const std::string& body) {
  try {
    check_json_depth(body, "error body");
    Json root = Json::parse(body);
    if (root.is_object()) {
      auto error = root.find("error");
      if (error != root.end()) {
        if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
          return (*error)["message"].get<std::string>();
        }
        if (error->is_string()) return error->get<std::string>();
      }
      auto message = root.find("message");
      if (message != root.end() && message->is_string()) return message->get<std::string>();
      auto detail = root.find("detail");  // FastAPI's own validation errors
      if (detail != root.end()) return detail->is_string() ? detail->get<std::string>() : detail->dump();
    }
  } catch (const Json::exception&) {
  } catch (const Error&) {  // nested too deep: shown as text
  }
  std::string text = body.size() > 300 ? body.substr(0, 300) + "..." : body;
  return text.empty() ? "(empty body)" : text;
}

}  // namespace regenesis
