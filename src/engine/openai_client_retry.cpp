#include "engine/openai_client_retry.h"

#include <algorithm>
#include <cmath>

#include "engine/openai_client_wire.h"

namespace regenesis {

std::optional<AttemptFailure> classify_response(const HttpResponse& response,
                                                std::chrono::milliseconds timeout) {
  if (response.status >= 200 && response.status < 300) return std::nullopt;
  AttemptFailure failure;
  if (response.status == 0) {
    failure.retryable = true;
    failure.message = response.timed_out
                          ? "timed out after " + std::to_string(timeout.count()) + " ms (" +
                                response.transport_error + ")"
                          : response.transport_error;
    return failure;
  }
  long status = response.status;
  failure.retryable = status == 408 || status == 429 || status >= 500;
  failure.message = "HTTP " + std::to_string(status) + ": " + openai_error_message(response.body);
  if (failure.retryable && !response.retry_after.empty()) {
    if (auto delay = parse_retry_after(response.retry_after)) {
      failure.retry_after = std::min(*delay, kMaxRetryAfter);
    }
  }
  return failure;
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds max, double unit_random) {
  double exponential = static_cast<double>(base.count()) * std::pow(2.0, std::max(0, retry - 1));
  double capped = std::min(exponential, static_cast<double>(max.count()));
  double jittered = capped / 2.0 + unit_random * capped / 2.0;
  return std::chrono::milliseconds(static_cast<long long>(jittered));
}

}  // namespace regenesis
