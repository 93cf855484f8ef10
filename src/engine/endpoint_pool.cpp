#include "engine/endpoint_pool.h"

#include <algorithm>
#include <sstream>

#include "util/error.h"

namespace regenesis {

EndpointPool::EndpointPool(std::vector<Endpoint> endpoints, Settings settings)
    : settings_(settings) {
  if (endpoints.empty()) fail("endpoint pool: no endpoints");
  for (auto& endpoint : endpoints) {
    State state;
    state.name = std::move(endpoint.name);
    state.max_concurrency = std::max(1, endpoint.max_concurrency);
    states_.push_back(std::move(state));
  }
}

bool EndpointPool::healthy(const State& state, Clock::time_point now) const {
  return now >= state.cooling_until;
}

std::optional<size_t> EndpointPool::acquire(Clock::time_point now) {
  bool any_healthy = std::any_of(states_.begin(), states_.end(),
                                 [&](const State& s) { return healthy(s, now); });
  std::optional<size_t> best;
  for (size_t k = 0; k < states_.size(); ++k) {
    size_t i = (rotation_ + k) % states_.size();
    const State& state = states_[i];
    if (state.outstanding >= state.max_concurrency || now < state.held_until) continue;
    // Set-aside endpoints are used only when there is no healthy one to wait for.
    if (any_healthy && !healthy(state, now)) continue;
    if (!best || state.outstanding < states_[*best].outstanding) best = i;
  }
  if (best) {
    ++states_[*best].outstanding;
    rotation_ = (*best + 1) % states_.size();
  }
  return best;
}

void EndpointPool::succeeded(size_t index, long long prompt_tokens, long long completion_tokens) {
  State& state = states_[index];
  --state.outstanding;
  state.consecutive_failures = 0;
  state.cooling_until = {};
  std::lock_guard lock(usage_mutex_);
  state.usage.requests += 1;
  state.usage.prompt_tokens += prompt_tokens;
  state.usage.completion_tokens += completion_tokens;
}

bool EndpointPool::failed(size_t index, const std::string& error, Clock::time_point now,
                          std::optional<std::chrono::milliseconds> retry_after) {
  State& state = states_[index];
  --state.outstanding;
  state.last_error = error;
  bool was_healthy = healthy(state, now);
  bool set_aside = false;
  if (++state.consecutive_failures >= settings_.failures_to_cool_down) {
    state.cooling_until = now + settings_.cool_down;
    set_aside = was_healthy;
  }
  if (retry_after) state.held_until = std::max(state.held_until, now + *retry_after);
  std::lock_guard lock(usage_mutex_);
  state.usage.failed_attempts += 1;
  return set_aside;
}

void EndpointPool::released(size_t index) { --states_[index].outstanding; }

std::optional<EndpointPool::Clock::time_point> EndpointPool::next_release(
    Clock::time_point now) const {
  std::optional<Clock::time_point> earliest;
  for (const State& state : states_) {
    if (state.held_until > now && (!earliest || state.held_until < *earliest)) {
      earliest = state.held_until;
    }
  }
  return earliest;
}

std::string EndpointPool::health_summary(Clock::time_point now) const {
  std::ostringstream out;
  for (size_t i = 0; i < states_.size(); ++i) {
    const State& state = states_[i];
    if (i) out << "; ";
    out << state.name;
    if (state.consecutive_failures == 0) {
      out << " (healthy)";
      continue;
    }
    out << " (" << (healthy(state, now) ? "" : "set aside, ") << state.consecutive_failures
        << " failure" << (state.consecutive_failures == 1 ? "" : "s")
        << " in a row, last error: " << state.last_error << ")";
  }
  return out.str();
}

UsageReport EndpointPool::usage() const {
  std::lock_guard lock(usage_mutex_);
  UsageReport report;
  for (const State& state : states_) {
    report.endpoints.push_back({state.name, state.usage});
    report.total.requests += state.usage.requests;
    report.total.failed_attempts += state.usage.failed_attempts;
    report.total.prompt_tokens += state.usage.prompt_tokens;
    report.total.completion_tokens += state.usage.completion_tokens;
  }
  return report;
}

}  // namespace regenesis
