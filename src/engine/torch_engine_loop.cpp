// TorchEngine's scheduler thread: takes submitted requests and cancellations between steps, runs
// BatchDecoder steps while there is work, sleeps when there is none.
#include <ATen/Parallel.h>

#include "engine/torch_engine_impl.h"
#include "util/error.h"

namespace regenesis {

uint64_t TorchEngine::Impl::enqueue(GenerationRequest request, std::vector<int64_t> prompt,
                                    ResultCallback on_result, ErrorCallback on_error,
                                    TextCallback on_text) {
  std::lock_guard lock(mutex);
  if (stopping) fail("embedded engine: shutting down");
  const uint64_t ticket = next_ticket++;
  error_callbacks[ticket] = std::move(on_error);
  // The result callback also retires the error callback: exactly one of them ever runs.
  // It runs on the scheduler thread inside a step: the stats it publishes include this result.
  auto deliver = [this, ticket, on_result = std::move(on_result)](GenerationResult result) {
    {
      std::lock_guard guard(mutex);
      error_callbacks.erase(ticket);
      stats_snapshot = decoder->stats();
    }
    on_result(std::move(result));
  };
  inbox.push_back({ticket, std::move(request), std::move(prompt), std::move(deliver), std::move(on_text)});
  if (!loop.joinable()) loop = std::thread([this] { run_loop(); });
  wake.notify_one();
  return ticket;
}

void TorchEngine::cancel(uint64_t ticket) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    m.error_callbacks.erase(ticket);
    m.cancels.push_back(ticket);
  }
  m.wake.notify_one();
}

EngineStats TorchEngine::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats_snapshot;
}

void TorchEngine::Impl::run_loop() {
  // OpenMP's thread count is per thread: set it here too, for the kernels this thread runs.
  at::set_num_threads(threads);
  std::unique_lock lock(mutex);
  for (;;) {
    for (auto& submission : inbox) decoder->add(std::move(submission));
    inbox.clear();
    for (uint64_t ticket : cancels) decoder->cancel(ticket);
    cancels.clear();
    if (stopping) return;  // the destructor: what is left is dropped without callbacks
    if (decoder->idle()) {
      wake.wait(lock, [&] { return stopping || !inbox.empty() || !cancels.empty(); });
      continue;
    }
    lock.unlock();
    std::string failure;
    const int64_t steps_before = decoder->stats().steps;
    try {
      decoder->step();
      if (decoder->stats().steps == steps_before && !decoder->idle())
        failure = "internal: the scheduler could not make progress";
    } catch (const std::exception& e) {
      failure = e.what();
    }
    lock.lock();
    stats_snapshot = decoder->stats();
    if (failure.empty()) continue;
    // Whatever was in flight is lost (and the cache with it): tell every owner.
    std::vector<ErrorCallback> callbacks;
    for (uint64_t ticket : decoder->abandon_all()) {
      auto it = error_callbacks.find(ticket);
      if (it == error_callbacks.end()) continue;
      callbacks.push_back(std::move(it->second));
      error_callbacks.erase(it);
    }
    lock.unlock();
    for (auto& callback : callbacks)
      if (callback) callback(failure);
    lock.lock();
  }
}

}  // namespace regenesis
