#pragma once
// Generator over a fleet of OpenAI-compatible servers (vLLM, SGLang, llama.cpp server,
// `regenesis serve`). A request with a raw prompt goes to <base>/completions, one with chat
// messages to <base>/chat/completions (the server applies its chat template).
//
// How it runs: one curl multi handle driven from the calling thread, so on_result is called on
// that thread without any worker threads; attempts go to the endpoint with the fewest
// outstanding requests, within each endpoint's concurrency limit (see EndpointPool).
//
// n > 1: by default one HTTP request carries "n" and "seed" (vLLM and SGLang give each sample
// its own stream from that seed, and the prompt is prefilled once). For servers without "n"
// (llama.cpp server), set one_request_per_sample: sample i is then its own request with
// seed + i and n = 1, which also makes per-sample token counts exact.
//
// Failures: connection errors, timeouts, 408, 429, 5xx and malformed answers are retried with
// exponential backoff and jitter (honouring Retry-After), up to max_retries per request; any
// other 4xx fails at once with the server's message. The first request that fails for good
// stops the batch: no new attempts start, attempts in flight finish (their results are still
// delivered), then generate() throws an Error naming the request, the endpoints and their
// last errors. Every request's on_result is called at most once, and exactly once on success.
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "engine/endpoint_pool.h"
#include "engine/generator.h"

namespace regenesis {

enum class OpenAIApiMode {
  Auto,         // raw prompt -> /completions, messages -> /chat/completions
  Completions,  // only raw prompts are accepted (a server without chat templates)
  Chat,         // only chat messages are accepted (a server without /completions)
};
// "auto", "completions" or "chat"; anything else is an Error naming `field`.
OpenAIApiMode parse_openai_api_mode(const std::string& name, const std::string& field = "api_mode");

struct OpenAIEndpoint {
  std::string base_url;     // e.g. http://127.0.0.1:8000/v1
  std::string model;        // the "model" field the server expects
  int max_concurrency = 0;  // 0: OpenAIClientOptions::max_concurrency_per_endpoint
};

struct OpenAIClientOptions {
  std::vector<OpenAIEndpoint> endpoints;
  OpenAIApiMode api_mode = OpenAIApiMode::Auto;
  // NAME of the environment variable that holds the API key (never the key itself, so that
  // configs and logs stay free of it). Empty: no Authorization header.
  std::string api_key_env;
  int max_concurrency_per_endpoint = 16;
  bool one_request_per_sample = false;
  std::chrono::milliseconds request_timeout{600000};
  std::chrono::milliseconds connect_timeout{10000};
  int max_retries = 5;  // further attempts per request after the first
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{30000};
  int failures_to_cool_down = 3;  // consecutive failures before an endpoint is set aside
  std::chrono::milliseconds cool_down{30000};

  // Throws Error naming the offending field ("endpoints[1].base_url: ...").
  void validate() const;
};

class OpenAIClient : public Generator {
 public:
  // Validates the options and reads the API key; Error when api_key_env names an unset variable.
  explicit OpenAIClient(OpenAIClientOptions options);
  ~OpenAIClient() override;

  // Not re-entrant: concurrent calls on one client run one after the other.
  void generate(const std::vector<GenerationRequest>& requests,
                const std::function<void(GenerationResult)>& on_result) override;
  std::string describe() const override;

  // Tokens and requests so far, per endpoint and overall (across all generate() calls; safe to
  // call from another thread while generate() runs).
  UsageReport usage() const;
  const OpenAIClientOptions& options() const { return options_; }

 private:
  OpenAIClientOptions options_;
  std::string api_key_;
  std::unique_ptr<EndpointPool> pool_;  // health and usage carry over between batches
  std::mt19937_64 jitter_rng_;
  std::mutex generate_mutex_;
};

}  // namespace regenesis
