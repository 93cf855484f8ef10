#pragma once
// Where the HTTP handlers get completions from, one request at a time from many threads: the
// adapter between the server and the engine's API: EngineSource (TorchEngine::submit, text
// streamed per token through on_text) and, in tests, scripted sources.
#include <functional>
#include <string>

#include "engine/generator.h"

namespace regenesis {

class ApiError;

struct CompletionCallbacks {
  // Text of sample `sample` as it is generated. Only sources whose streams_tokens() is true
  // call it, in order per sample, before on_done; the pieces of a sample add up to its text.
  std::function<void(int sample, const std::string& piece)> on_text;
  // Exactly one of these is called, exactly once, from any thread. Keep them short: they may run
  // on the engine's thread.
  std::function<void(GenerationResult)> on_done;
  std::function<void(const ApiError&)> on_error;
};

class CompletionSource {
 public:
  virtual ~CompletionSource() = default;
  // Thread-safe. The request's id is the caller's; the result echoes it.
  virtual void submit(GenerationRequest request, CompletionCallbacks callbacks) = 0;
  // True when on_text is called as tokens are made; false when each completion arrives whole
  // (streaming responses then send each choice's text as one chunk when it is done).
  virtual bool streams_tokens() const = 0;
  // Stops taking requests (later submits get a 503 through on_error), finishes those already
  // submitted and returns when every callback has run.
  virtual void drain() = 0;
};

}  // namespace regenesis
