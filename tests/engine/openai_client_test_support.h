#pragma once
// Shared by the OpenAIClient tests: fast options (tiny backoff) and a batch runner that records
// how often, and on which thread, each result was delivered.
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine/openai_client.h"

namespace regenesis::test {

inline OpenAIClientOptions fast_options(const std::vector<std::string>& urls,
                                        const std::string& model = "fake-model") {
  OpenAIClientOptions options;
  for (const auto& url : urls) options.endpoints.push_back({url, model, 0});
  options.max_concurrency_per_endpoint = 4;
  options.request_timeout = std::chrono::milliseconds(5000);
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.max_retries = 4;
  options.backoff_base = std::chrono::milliseconds(2);
  options.backoff_max = std::chrono::milliseconds(20);
  options.failures_to_cool_down = 3;
  options.cool_down = std::chrono::milliseconds(10000);
  return options;
}

inline GenerationRequest prompt_request(const std::string& id, const std::string& prompt, int n = 1,
                                        uint64_t seed = 0, int max_tokens = 64) {
  GenerationRequest request;
  request.id = id;
  request.prompt = prompt;
  request.params.n = n;
  request.params.seed = seed;
  request.params.max_tokens = max_tokens;
  return request;
}

inline GenerationRequest chat_request(const std::string& id, std::vector<ChatMessage> messages,
                                      uint64_t seed = 0) {
  GenerationRequest request;
  request.id = id;
  request.messages = std::move(messages);
  request.params.seed = seed;
  return request;
}

struct Delivered {
  std::map<std::string, GenerationResult> by_id;
  std::map<std::string, int> calls;  // deliveries per request id
  bool all_on_calling_thread = true;
};

// Runs generate(); results land in `out` even when generate() throws.
inline void run_batch(OpenAIClient& client, const std::vector<GenerationRequest>& requests,
                      Delivered& out) {
  auto caller = std::this_thread::get_id();
  client.generate(requests, [&](GenerationResult result) {
    if (std::this_thread::get_id() != caller) out.all_on_calling_thread = false;
    ++out.calls[result.request_id];
    out.by_id[result.request_id] = std::move(result);
  });
}

// The fake model's complete answer (no stop, no length cut), written out independently.
inline std::string full_answer(const std::string& content, uint64_t seed, int sample) {
  return "re: " + content + " | seed " + std::to_string(seed) + " sample " +
         std::to_string(sample) + " | done";
}

}  // namespace regenesis::test
