#include "server/api_response.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

#include "server/api_error.h"
#include "util/json.h"

namespace regenesis {
namespace {

std::string dump(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

OrderedJson head_json(const ResponseHead& head, const char* object) {
  return {{"id", head.id}, {"object", object}, {"created", head.created}, {"model", head.model}};
}

const char* chunk_object(ApiRoute route) {
  return route == ApiRoute::Chat ? "chat.completion.chunk" : "text_completion";
}

OrderedJson usage_json(const TokenUsageCount& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

// One chunk with one choice; `delta` (chat) or `text` (completions) and a finish reason or null.
std::string chunk(const ResponseHead& head, int index, OrderedJson content, OrderedJson finish,
                  bool usage_field) {
  OrderedJson choice = {{"index", index}};
  if (head.route == ApiRoute::Chat)
    choice["delta"] = std::move(content);
  else
    choice["text"] = std::move(content);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = std::move(finish);
  OrderedJson out = head_json(head, chunk_object(head.route));
  out["choices"] = OrderedJson::array({std::move(choice)});
  if (usage_field) out["usage"] = nullptr;
  return dump(out);
}

}  // namespace

std::string new_response_id(ApiRoute route) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}() ^
                               static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%016llx%08llx", static_cast<unsigned long long>(salt),
                static_cast<unsigned long long>(counter.fetch_add(1)));
  return (route == ApiRoute::Chat ? "chatcmpl-" : "cmpl-") + std::string(buffer);
}

std::string full_response_json(const ResponseHead& head, const std::vector<ChoiceText>& choices,
                               const TokenUsageCount& usage) {
  OrderedJson list = OrderedJson::array();
  for (const ChoiceText& c : choices) {
    OrderedJson choice = {{"index", c.index}};
    if (head.route == ApiRoute::Chat)
      choice["message"] = {{"role", "assistant"}, {"content", c.text}};
    else
      choice["text"] = c.text;
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = finish_reason_name(c.finish);
    list.push_back(std::move(choice));
  }
  OrderedJson out = head_json(head, head.route == ApiRoute::Chat ? "chat.completion" : "text_completion");
  out["choices"] = std::move(list);
  out["usage"] = usage_json(usage);
  return dump(out);
}

std::string sse_event(const std::string& json) { return "data: " + json + "\n\n"; }

std::string chat_role_chunk(const ResponseHead& head, int index, bool usage_field) {
  return chunk(head, index, {{"role", "assistant"}, {"content", ""}}, nullptr, usage_field);
}

std::string text_chunk(const ResponseHead& head, int index, const std::string& text, bool usage_field) {
  OrderedJson content = head.route == ApiRoute::Chat ? OrderedJson{{"content", text}} : OrderedJson(text);
  return chunk(head, index, std::move(content), nullptr, usage_field);
}

std::string finish_chunk(const ResponseHead& head, int index, FinishReason finish, bool usage_field) {
  OrderedJson content = head.route == ApiRoute::Chat ? OrderedJson::object() : OrderedJson("");
  return chunk(head, index, std::move(content), finish_reason_name(finish), usage_field);
}

std::string usage_chunk(const ResponseHead& head, const TokenUsageCount& usage) {
  OrderedJson out = head_json(head, chunk_object(head.route));
  out["choices"] = OrderedJson::array();
  out["usage"] = usage_json(usage);
  return dump(out);
}

std::string stream_error_json(const ApiError& error) { return api_error_body(error); }

std::string models_json(const std::string& model, long long created, int max_context) {
  OrderedJson entry = {{"id", model},
                       {"object", "model"},
                       {"created", created},
                       {"owned_by", "regenesis"},
                       {"max_model_len", max_context}};
  return dump(OrderedJson{{"object", "list"}, {"data", OrderedJson::array({entry})}});
}

}  // namespace regenesis
