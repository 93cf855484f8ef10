#pragma once
// One OpenAIClient::generate() call: the event loop that turns requests into HTTP attempts,
// retries the failed ones, assembles results and hands them to on_result on the calling thread.
// Internal to OpenAIClient.
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/endpoint_pool.h"
#include "engine/http_client.h"
#include "engine/openai_client.h"
#include "engine/openai_client_retry.h"
#include "engine/openai_client_wire.h"

namespace regenesis {

class OpenAIBatch {
 public:
  OpenAIBatch(const OpenAIClientOptions& options, const std::string& api_key, EndpointPool& pool,
              std::mt19937_64& jitter_rng, const std::vector<GenerationRequest>& requests,
              const std::function<void(GenerationResult)>& on_result);
  ~OpenAIBatch();  // gives back the endpoint slots of attempts still in flight (on_result threw)
  OpenAIBatch(const OpenAIBatch&) = delete;
  OpenAIBatch& operator=(const OpenAIBatch&) = delete;

  // Throws Error (after draining what is in flight) when a request fails for good.
  void run();

 private:
  using Clock = EndpointPool::Clock;
  // One HTTP request's worth of work: all n samples of a request, or one sample of it.
  struct Job {
    size_t request = 0;
    int sample = -1;  // -1: all samples in one HTTP request with "n"
    int attempts = 0;
  };
  struct InFlight {
    Job job;
    size_t endpoint = 0;
  };
  struct Delayed {
    Clock::time_point due;
    Job job;
    bool operator>(const Delayed& other) const { return due > other.due; }
  };
  struct Assembly {
    GenerationResult result;
    int samples_left = 0;
  };

  void validate_requests() const;
  OpenAIRoute route_of(const GenerationRequest& request) const;
  void start_ready(Clock::time_point now);
  void start_attempt(const Job& job, size_t endpoint);
  void finish_attempt(uint64_t tag, const HttpResponse& response);
  void on_parsed(const Job& job, ParsedResponse parsed);
  void on_failure(Job job, size_t endpoint, const AttemptFailure& failure);
  void stop_with(const std::string& message);
  std::chrono::milliseconds wait_budget(Clock::time_point now) const;

  const OpenAIClientOptions& options_;
  const std::string& api_key_;
  EndpointPool& pool_;
  std::mt19937_64& jitter_rng_;
  const std::vector<GenerationRequest>& requests_;
  const std::function<void(GenerationResult)>& on_result_;

  std::vector<Assembly> assembly_;
  std::deque<Job> ready_;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  std::unordered_map<uint64_t, InFlight> in_flight_;
  uint64_t next_tag_ = 0;
  size_t delivered_ = 0;
  std::optional<std::string> failure_;  // the first request that failed for good stops the batch
  HttpMultiClient http_;
};

}  // namespace regenesis
