#pragma once
// The OpenAI wire format: request bodies for /v1/completions and /v1/chat/completions, and
// parsing their (non-streaming) answers into Completions.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/generator.h"

namespace regenesis {

enum class OpenAIRoute { Completions, Chat };
const char* openai_route_path(OpenAIRoute route);  // "/completions" or "/chat/completions"

// The JSON body of one HTTP attempt asking for `n` samples of `request` from `model`.
// temperature, top_p, max_tokens, n, seed and stop are OpenAI fields; top_k is a vLLM/SGLang
// extra, sent only when set (> 0). Seeds are sent as their low 63 bits: servers take int64.
std::string build_openai_body(const GenerationRequest& request, OpenAIRoute route,
                              const std::string& model, int n, uint64_t seed);

// A 2xx answer that is not what the API promises (bad JSON, missing or wrong-typed fields,
// fewer choices than asked for). Worth a retry: proxies and overloaded servers produce these.
class MalformedResponse : public std::runtime_error {
 public:
  explicit MalformedResponse(const std::string& what) : std::runtime_error(what) {}
};

struct ParsedResponse {
  int prompt_tokens = 0;
  long long completion_tokens = 0;  // usage.completion_tokens: all choices together
  std::vector<Completion> completions;  // in choice index order
};

// Parses an answer that should hold `expected_n` choices. choices[i].text (completions) or
// choices[i].message.content (chat); finish_reason "length" -> Length, anything else -> Stop.
// Servers report usage only for all choices together; each completion's share is: max_tokens
// for one cut by length, the rest split over the others in proportion to their text length
// (exact for n = 1, and the shares always add up to usage). Throws MalformedResponse.
ParsedResponse parse_openai_response(const std::string& body, OpenAIRoute route, int expected_n,
                                     int max_tokens);

// The server's own message from an error body: OpenAI's {"error": {"message": ...}}, vLLM's
// {"message": ...}; else the body itself, shortened.
std::string openai_error_message(const std::string& body);

}  // namespace regenesis
