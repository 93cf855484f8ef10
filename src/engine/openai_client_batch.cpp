#include "engine/openai_client_batch.h"

#include <algorithm>

#include "util/error.h"
#include "util/log.h"

namespace regenesis {

OpenAIBatch::OpenAIBatch(const OpenAIClientOptions& options, const std::string& api_key,
                         EndpointPool& pool, std::mt19937_64& jitter_rng,
                         const std::vector<GenerationRequest>& requests,
                         const std::function<void(GenerationResult)>& on_result)
    : options_(options), api_key_(api_key), pool_(pool), jitter_rng_(jitter_rng),
      requests_(requests), on_result_(on_result) {}

OpenAIBatch::~OpenAIBatch() {
  for (const auto& [tag, attempt] : in_flight_) pool_.released(attempt.endpoint);
}

void OpenAIBatch::validate_requests() const {
  for (const auto& request : requests_) {
    std::string where = "request '" + request.id + "'";
    bool has_prompt = request.prompt.has_value();
    bool has_messages = !request.messages.empty();
    if (has_prompt == has_messages) fail(where, ": needs exactly one of a prompt or chat messages");
    if (request.params.n < 1) fail(where, ": n must be >= 1, got ", request.params.n);
    if (request.params.max_tokens < 1) {
      fail(where, ": max_tokens must be >= 1, got ", request.params.max_tokens);
    }
    if (has_messages && options_.api_mode == OpenAIApiMode::Completions) {
      fail(where, ": has chat messages, but api_mode is 'completions' (raw prompts only)");
    }
    if (has_prompt && options_.api_mode == OpenAIApiMode::Chat) {
      fail(where, ": has a raw prompt, but api_mode is 'chat' (chat messages only)");
    }
  }
}

OpenAIRoute OpenAIBatch::route_of(const GenerationRequest& request) const {
  return request.prompt ? OpenAIRoute::Completions : OpenAIRoute::Chat;
}

void OpenAIBatch::run() {
  validate_requests();  // nothing is sent when any request is invalid
  bool split = options_.one_request_per_sample;
  assembly_.resize(requests_.size());
  for (size_t r = 0; r < requests_.size(); ++r) {
    int n = requests_[r].params.n;
    assembly_[r].result.request_id = requests_[r].id;
    assembly_[r].result.completions.resize(n);
    assembly_[r].samples_left = split ? n : 1;
    if (split) {
      for (int i = 0; i < n; ++i) ready_.push_back({r, i, 0});
    } else {
      ready_.push_back({r, -1, 0});
    }
  }

  while (true) {
    Clock::time_point now = Clock::now();
    while (!failure_ && !delayed_.empty() && delayed_.top().due <= now) {
      ready_.push_back(delayed_.top().job);
      delayed_.pop();
    }
    if (!failure_) start_ready(now);
    if (in_flight_.empty() && (failure_ || (ready_.empty() && delayed_.empty()))) break;
    for (auto& [tag, response] : http_.wait(wait_budget(now))) finish_attempt(tag, response);
  }

  if (failure_) {
    size_t missing = requests_.size() - delivered_;
    fail("OpenAI client: ", *failure_, " (", missing, " of ", requests_.size(),
         " requests not completed)");
  }
}

void OpenAIBatch::start_ready(Clock::time_point now) {
  while (!ready_.empty()) {
    std::optional<size_t> endpoint = pool_.acquire(now);
    if (!endpoint) return;
    Job job = ready_.front();
    ready_.pop_front();
    start_attempt(job, *endpoint);
  }
}

void OpenAIBatch::start_attempt(const Job& job, size_t endpoint) {
  const GenerationRequest& request = requests_[job.request];
  const OpenAIEndpoint& target = options_.endpoints[endpoint];
  OpenAIRoute route = route_of(request);
  int n = job.sample < 0 ? request.params.n : 1;
  uint64_t seed = request.params.seed + static_cast<uint64_t>(std::max(job.sample, 0));

  HttpRequest http;
  http.url = target.base_url + openai_route_path(route);
  http.body = build_openai_body(request, route, target.model, n, seed);
  if (!api_key_.empty()) http.headers.push_back("Authorization: Bearer " + api_key_);
  http.timeout = options_.request_timeout;
  http.connect_timeout = options_.connect_timeout;

  uint64_t tag = next_tag_++;
  in_flight_[tag] = {job, endpoint};  // before start(): the destructor must give the slot back
  http_.start(tag, std::move(http));
}

void OpenAIBatch::finish_attempt(uint64_t tag, const HttpResponse& response) {
  auto it = in_flight_.find(tag);
  if (it == in_flight_.end()) return;
  InFlight attempt = it->second;
  in_flight_.erase(it);

  const GenerationRequest& request = requests_[attempt.job.request];
  int n = attempt.job.sample < 0 ? request.params.n : 1;
  std::optional<AttemptFailure> failure = classify_response(response, options_.request_timeout);
  if (!failure) {
    try {
      ParsedResponse parsed =
          parse_openai_response(response.body, route_of(request), n, request.params.max_tokens);
      pool_.succeeded(attempt.endpoint, parsed.prompt_tokens, parsed.completion_tokens);
      on_parsed(attempt.job, std::move(parsed));
      return;
    } catch (const MalformedResponse& e) {
      failure = AttemptFailure{true, std::string("malformed response: ") + e.what(), std::nullopt};
    }
  }
  on_failure(attempt.job, attempt.endpoint, *failure);
}

void OpenAIBatch::on_parsed(const Job& job, ParsedResponse parsed) {
  Assembly& assembly = assembly_[job.request];
  if (assembly.samples_left == 0) return;  // cannot happen: each job is in one place at a time
  GenerationResult& result = assembly.result;
  result.prompt_tokens = parsed.prompt_tokens;
  if (job.sample < 0) {
    result.completions = std::move(parsed.completions);
  } else {
    result.completions[job.sample] = std::move(parsed.completions[0]);
  }
  if (--assembly.samples_left > 0) return;
  ++delivered_;
  on_result_(std::move(result));
}

void OpenAIBatch::on_failure(Job job, size_t endpoint, const AttemptFailure& failure) {
  const std::string& id = requests_[job.request].id;
  const std::string& url = options_.endpoints[endpoint].base_url;
  if (!failure.retryable) {
    pool_.released(endpoint);
    stop_with("request '" + id + "' rejected by " + url + ": " + failure.message);
    return;
  }
  Clock::time_point now = Clock::now();
  if (pool_.failed(endpoint, failure.message, now, failure.retry_after)) {
    log_warn("openai: " + url + " set aside for " + std::to_string(options_.cool_down.count()) +
             " ms after " + std::to_string(options_.failures_to_cool_down) +
             " failures in a row (last: " + failure.message + ")");
  }
  ++job.attempts;
  if (failure_) return;  // stopping: no more attempts
  if (job.attempts > options_.max_retries) {
    stop_with("request '" + id + "' failed after " + std::to_string(job.attempts) +
              " attempts; last error from " + url + ": " + failure.message +
              ". Endpoints: " + pool_.health_summary(now));
    return;
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto delay = backoff_delay(job.attempts, options_.backoff_base, options_.backoff_max,
                             unit(jitter_rng_));
  if (failure.retry_after) delay = std::max(delay, *failure.retry_after);
  log_debug("openai: request '" + id + "' attempt " + std::to_string(job.attempts) + " on " + url +
            " failed (" + failure.message + "); retrying in " + std::to_string(delay.count()) +
            " ms");
  delayed_.push({now + delay, job});
}

void OpenAIBatch::stop_with(const std::string& message) {
  if (failure_) return;
  failure_ = message;
  ready_.clear();
  delayed_ = {};
}

std::chrono::milliseconds OpenAIBatch::wait_budget(Clock::time_point now) const {
  // Wake for the next due retry or the end of a Retry-After hold; finished transfers wake us
  // earlier anyway. The cap keeps the loop responsive to clock oddities.
  Clock::time_point wake = now + std::chrono::milliseconds(1000);
  if (!delayed_.empty()) wake = std::min(wake, delayed_.top().due);
  if (!ready_.empty()) {
    if (auto release = pool_.next_release(now)) wake = std::min(wake, *release);
  }
  auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
  // Round up so that a wake-up a fraction of a millisecond early does not spin.
  if (wake > now + budget) budget += std::chrono::milliseconds(1);
  return std::max(budget, std::chrono::milliseconds(0));
}

}  // namespace regenesis
