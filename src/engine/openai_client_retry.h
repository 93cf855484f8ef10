#pragma once
// Which failed attempts are worth another try, and how long to wait before it.
#include <chrono>
#include <optional>
#include <string>

#include "engine/http_client.h"

namespace regenesis {

struct AttemptFailure {
  bool retryable = false;
  std::string message;  // "HTTP 503: <server's message>", "timed out after 200 ms", ...
  std::optional<std::chrono::milliseconds> retry_after;
};

// nullopt for a 2xx answer (its body still has to parse). Transport errors, timeouts, 408, 429
// and 5xx are retryable; any other status is the request's own fault and is not.
std::optional<AttemptFailure> classify_response(const HttpResponse& response,
                                                std::chrono::milliseconds timeout);

// Delay before retry number `retry` (1-based): base * 2^(retry-1) capped at `max`, with "equal
// jitter" (half fixed, half uniform from `unit_random` in [0, 1)) so that requests that failed
// together do not come back together.
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds max, double unit_random);

// Longest Retry-After we honour: a server asking for more is treated as asking for this.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{300000};

}  // namespace regenesis
