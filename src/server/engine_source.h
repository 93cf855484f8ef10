#pragma once
// CompletionSource over TorchEngine's submission API: each HTTP request goes straight into the
// engine's running batch (continuous batching), so concurrent clients decode together and a
// request arriving mid-batch joins at the next step. Text streams token by token (on_text) as
// the engine settles it, so `stream: true` clients see each piece as it is generated.
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "server/completion_source.h"

namespace regenesis {

class TorchEngine;

class EngineSource : public CompletionSource {
 public:
  explicit EngineSource(TorchEngine& engine);  // the engine must outlive this source
  ~EngineSource() override;                    // drains
  EngineSource(const EngineSource&) = delete;
  EngineSource& operator=(const EngineSource&) = delete;

  // A request the engine refuses at submission (it throws Error) gets a 400; a failure of the
  // engine while the request is in flight a 500.
  void submit(GenerationRequest request, CompletionCallbacks callbacks) override;
  bool streams_tokens() const override { return true; }
  void drain() override;

  size_t in_flight() const;

 private:
  void finished();

  TorchEngine& engine_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool draining_ = false;
  size_t in_flight_ = 0;
};

}  // namespace regenesis
