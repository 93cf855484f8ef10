#pragma once
// OpenAI's response shapes: whole responses, server-sent-event chunks for `stream: true`, the
// model list. Choice texts may end inside a UTF-8 character (a completion cut by length); such
// bytes are replaced with U+FFFD instead of failing the response.
#include <string>
#include <vector>

#include "engine/generator.h"
#include "server/api_request.h"

namespace regenesis {

class ApiError;

struct ResponseHead {
  std::string id;         // "cmpl-..." / "chatcmpl-..."
  long long created = 0;  // unix seconds
  std::string model;
  ApiRoute route = ApiRoute::Completions;
};

struct ChoiceText {
  int index = 0;  // prompt_index * n + sample
  std::string text;
  FinishReason finish = FinishReason::Length;
};

struct TokenUsageCount {
  long long prompt_tokens = 0;      // each prompt counted once, whatever n is
  long long completion_tokens = 0;  // every sampled token of every choice
};

// A fresh response id with the route's prefix (random, unique enough for logs).
std::string new_response_id(ApiRoute route);

// {"id", "object": "text_completion" | "chat.completion", "created", "model", "choices": [...],
//  "usage": {...}} with choices in `choices`' order.
std::string full_response_json(const ResponseHead& head, const std::vector<ChoiceText>& choices,
                               const TokenUsageCount& usage);

// One SSE event: "data: <json>\n\n".
std::string sse_event(const std::string& json);
inline constexpr const char* kSseDone = "data: [DONE]\n\n";

// Chunks ("text_completion" / "chat.completion.chunk"). With `usage_field` the chunk carries
// "usage": null, as OpenAI's chunks do when the client asked for a final usage chunk.
std::string chat_role_chunk(const ResponseHead& head, int index, bool usage_field);
std::string text_chunk(const ResponseHead& head, int index, const std::string& text, bool usage_field);
std::string finish_chunk(const ResponseHead& head, int index, FinishReason finish, bool usage_field);
std::string usage_chunk(const ResponseHead& head, const TokenUsageCount& usage);  // choices: []
// An error after the stream started (the status line is already sent): {"error": {...}}.
std::string stream_error_json(const ApiError& error);

// GET /v1/models: one model.
std::string models_json(const std::string& model, long long created, int max_context);

}  // namespace regenesis
