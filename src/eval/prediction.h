#pragma once
// One graded item of an evaluation: a line of predictions.jsonl.
//   {"bench", "id", "answer_type", "prompt", "completion", "extracted", "method", "gold",
//    "correct", "finish_reason", "prompt_tokens", "completion_tokens"}
// `prompt` is the user message (before the chat template); null for `grade`, where the
// completions come from elsewhere, as are the finish reason and token counts.
#include <optional>
#include <string>

#include "util/json.h"

namespace regenesis {

struct Prediction {
  std::string bench;  // the benchmark as named on the command line ("gsm8k", "gsm8k:train", NAME)
  std::string id;     // the question id
  std::string answer_type;
  std::optional<std::string> prompt;
  std::string completion;
  std::optional<std::string> extracted;  // the answer as compared; nullopt when none was found
  std::string method;                    // which extraction step found it ("" when none)
  std::string gold;
  bool correct = false;
  std::optional<std::string> finish_reason;  // "stop" | "length"
  std::optional<int> prompt_tokens;
  std::optional<int> completion_tokens;
};

OrderedJson prediction_to_json(const Prediction& prediction);
// Errors name the field ("field 'correct' must be a boolean").
Prediction prediction_from_json(const Json& object);

// One JSONL line with its newline; text that is not valid UTF-8 (a completion cut inside a
// character) is replaced rather than fatal.
std::string prediction_line(const Prediction& prediction);

}  // namespace regenesis
