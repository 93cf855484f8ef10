#pragma once
// Which endpoint gets the next HTTP attempt: least outstanding requests among the healthy ones,
// never more than an endpoint's concurrency limit. An endpoint that fails `failures_to_cool_down`
// times in a row is set aside for a cool-down; after it, the next failure sets it aside again
// and a success clears it (a half-open circuit breaker). When every endpoint is set aside they
// are all used anyway, so requests keep trying within their own retry budget. A Retry-After from
// an endpoint holds all traffic to it until then. Also keeps the token usage accounts.
// Not thread-safe except usage(), which may be read while a batch runs.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace regenesis {

struct TokenUsage {
  long long requests = 0;         // successful HTTP requests
  long long failed_attempts = 0;  // attempts that failed (retried or not)
  long long prompt_tokens = 0;
  long long completion_tokens = 0;
};

struct EndpointUsage {
  std::string endpoint;  // base URL
  TokenUsage usage;
};

struct UsageReport {
  std::vector<EndpointUsage> endpoints;
  TokenUsage total;
};

class EndpointPool {
 public:
  using Clock = std::chrono::steady_clock;

  struct Endpoint {
    std::string name;  // base URL, for logs and errors
    int max_concurrency = 1;
  };
  struct Settings {
    int failures_to_cool_down = 3;
    std::chrono::milliseconds cool_down{10000};
  };

  EndpointPool(std::vector<Endpoint> endpoints, Settings settings);

  size_t size() const { return states_.size(); }
  const std::string& name(size_t index) const { return states_[index].name; }

  // The endpoint for the next attempt (its outstanding count is taken), or nullopt when every
  // usable endpoint is at its limit or held by Retry-After.
  std::optional<size_t> acquire(Clock::time_point now);
  void succeeded(size_t index, long long prompt_tokens, long long completion_tokens);
  // A failure of the endpoint (transport, timeout, 429, 5xx, malformed answer). True when this
  // failure set a healthy endpoint aside.
  bool failed(size_t index, const std::string& error, Clock::time_point now,
              std::optional<std::chrono::milliseconds> retry_after);
  // The attempt ended for reasons that say nothing about the endpoint's health (a request the
  // server rejected as invalid, or an attempt abandoned when the batch stopped).
  void released(size_t index);

  // When an endpoint held by Retry-After becomes usable again (nullopt: none is held).
  std::optional<Clock::time_point> next_release(Clock::time_point now) const;
  // "URL (healthy)" / "URL (set aside, 4 failures in a row, last error: ...)" for every endpoint.
  std::string health_summary(Clock::time_point now) const;
  UsageReport usage() const;

 private:
  struct State {
    std::string name;
    int max_concurrency = 1;
    int outstanding = 0;
    int consecutive_failures = 0;
    Clock::time_point cooling_until{};
    Clock::time_point held_until{};  // Retry-After
    std::string last_error;
    TokenUsage usage;
  };
  bool healthy(const State& state, Clock::time_point now) const;

  std::vector<State> states_;
  Settings settings_;
  size_t rotation_ = 0;  // breaks ties so equal endpoints take turns
  mutable std::mutex usage_mutex_;
};

}  // namespace regenesis
