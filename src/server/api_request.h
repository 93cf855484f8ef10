#pragma once
// Parsing and validation of /v1/completions and /v1/chat/completions request bodies. Follows
// OpenAI's rules where they matter to clients: unknown fields are ignored, a known field of the
// wrong type or out of range is a 400 naming it, and features this server does not implement
// (logprobs, penalties, tools, ...) are refused when asked for rather than silently dropped.
// No torch and no HTTP here: a body in, an ApiRequest or an ApiError out.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/generator.h"
#include "text/chat_message.h"

namespace regenesis {

enum class ApiRoute { Completions, Chat };

struct ApiLimits {
  size_t max_body_bytes = size_t{4} << 20;  // larger bodies get 413
  size_t max_json_depth = 32;               // requests nest 3 levels; deeper is hostile
  int max_n = 16;                           // completions per prompt
  int max_tokens = 4096;                    // new tokens per completion
  int max_prompts = 64;                     // prompts in one /v1/completions request
  int max_stop = 16;                        // stop strings
};

struct ApiRequest {
  ApiRoute route = ApiRoute::Completions;
  std::string model;
  std::vector<std::string> prompts;   // Completions: one or more (a string or a list of strings)
  std::vector<ChatMessage> messages;  // Chat
  // n, temperature, top_p, top_k, stop and ignore_eos (vLLM's extra) as given (defaults
  // otherwise); max_tokens and seed are decided by the server (below), so params.max_tokens and
  // params.seed are not set here.
  SamplingParams params;
  std::optional<int> max_tokens;      // absent: the server's default for the route
  std::optional<uint64_t> seed;       // absent: the server draws one
  bool stream = false;
  bool include_usage = false;         // stream_options.include_usage
  bool echo = false;                  // Completions: each text starts with its prompt
};

// Throws ApiError: 413 for a body over limits.max_body_bytes, 400 for everything else wrong.
ApiRequest parse_api_request(ApiRoute route, std::string_view body, const ApiLimits& limits);

}  // namespace regenesis
