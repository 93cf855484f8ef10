#pragma once
// The one interface through which everything above the engine (pipeline, eval, server) asks for
// text: a batch of requests in, completions out, each reported as soon as it is done so callers
// can commit it at once. Implementations: TorchEngine (embedded, this module) and OpenAIClient
// (HTTP, many endpoints). No torch types here.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "text/chat_message.h"

namespace regenesis {

struct SamplingParams {
  double temperature = 1.0;  // 0 means greedy
  double top_p = 1.0;
  int top_k = 0;             // 0 means no top-k cut
  int max_tokens = 256;      // new tokens per completion
  std::vector<std::string> stop;
  int n = 1;                 // completions per request
  uint64_t seed = 0;         // per-request stream: same seed, same output, whatever the batch
  bool ignore_eos = false;   // keep sampling past end-of-sequence tokens (benchmarks; as vLLM's)
};

enum class FinishReason { Stop, Length };
const char* finish_reason_name(FinishReason reason);

struct GenerationRequest {
  std::string id;  // caller's key, echoed in the result
  // Exactly one of the two: a raw prompt (sent as is, the caller applied any template), or chat
  // messages (the generator applies the model's chat template with a generation prompt).
  std::optional<std::string> prompt;
  std::vector<ChatMessage> messages;
  SamplingParams params;
};

struct Completion {
  std::string text;        // without the stop string that ended it
  int completion_tokens = 0;
  FinishReason finish = FinishReason::Length;
};

struct GenerationResult {
  std::string request_id;
  int prompt_tokens = 0;
  std::vector<Completion> completions;  // params.n of them, in sample order
};

class Generator {
 public:
  virtual ~Generator() = default;
  // Generates for every request; `on_result` is called once per request, as soon as all its
  // completions are done (in any order, from the calling thread). Throws Error on failure.
  virtual void generate(const std::vector<GenerationRequest>& requests,
                        const std::function<void(GenerationResult)>& on_result) = 0;
  // A name for logs and the run store, e.g. "embedded:/models/tiny" or "openai:2 endpoints".
  virtual std::string describe() const = 0;
};

}  // namespace regenesis
