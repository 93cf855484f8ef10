#pragma once
// What the HTTP layer knows about the model behind the CompletionSource: its public name, its
// context, and how many prompt tokens a request will take (to refuse prompts that do not fit
// with a 400 before they reach the engine).
#include <cstddef>
#include <functional>
#include <string>

#include "engine/generator.h"

namespace regenesis {

class TorchEngine;

struct ServedModel {
  std::string name;     // the "model" clients must send
  int max_context = 0;  // positions per sequence (prompt + completion)
  // The prompt tokens the engine will feed for `request`. Thread-safe. Throws Error when the
  // prompt cannot be built (e.g. a role the chat template does not know).
  std::function<size_t(const GenerationRequest&)> count_prompt_tokens;
};

// The engine's own tokenizer and chat template (TorchEngine::prompt_tokens is thread-safe).
ServedModel serve_torch_engine(const TorchEngine& engine, std::string name);

}  // namespace regenesis
