#include "server/engine_source.h"

#include <exception>
#include <memory>
#include <string>

#include "engine/torch_engine.h"
#include "server/api_error.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis {
namespace {

// The callbacks belong to the HTTP side and run on the engine's thread, which must not see an
// exception from them.
template <typename F, typename... Args>
void call_safely(const F& callback, Args&&... args) {
  if (!callback) return;
  try {
    callback(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    log_warn(std::string("serve: a completion callback threw: ") + e.what());
  }
}

}  // namespace

EngineSource::EngineSource(TorchEngine& engine) : engine_(engine) {}

EngineSource::~EngineSource() { drain(); }

void EngineSource::submit(GenerationRequest request, CompletionCallbacks callbacks) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!draining_) {
      ++in_flight_;
    } else {
      call_safely(callbacks.on_error, ApiError(503, "the server is shutting down", "", "", "server_error"));
      return;
    }
  }
  // Shared by the two engine callbacks, of which at most one runs.
  auto shared = std::make_shared<CompletionCallbacks>(std::move(callbacks));
  try {
    engine_.submit(
        std::move(request),
        [this, shared](GenerationResult result) {
          call_safely(shared->on_done, std::move(result));
          finished();
        },
        [this, shared](const std::string& message) {
          call_safely(shared->on_error,
                      ApiError(500, "generation failed: " + message, "", "", "server_error"));
          finished();
        },
        [shared](int sample, const std::string& piece) { call_safely(shared->on_text, sample, piece); });
  } catch (const Error& e) {  // refused before queueing: what the request asked for
    call_safely(shared->on_error, ApiError(400, e.what()));
    finished();
  } catch (const std::exception& e) {
    call_safely(shared->on_error, ApiError(500, std::string("engine: ") + e.what(), "", "", "server_error"));
    finished();
  }
}

void EngineSource::finished() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void EngineSource::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

size_t EngineSource::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

}  // namespace regenesis
