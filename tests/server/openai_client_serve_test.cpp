// Our OpenAIClient against two `regenesis serve` processes: the same completions as the embedded
// engine for the same requests and seeds, and a batch that survives one server being killed
// while it works.
#include <gtest/gtest.h>

#include <csignal>
#include <map>

#include "engine/openai_client.h"
#include "serve_fixture.h"
#include "serve_process.h"

namespace regenesis {
namespace {

OpenAIClientOptions client_options(const std::vector<const test::ServeProcess*>& servers) {
  OpenAIClientOptions options;
  for (const auto* server : servers) options.endpoints.push_back({server->base_url(), "tiny", 0});
  options.max_concurrency_per_endpoint = 3;
  options.request_timeout = std::chrono::milliseconds(60000);
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.max_retries = 6;
  options.backoff_base = std::chrono::milliseconds(5);
  options.backoff_max = std::chrono::milliseconds(50);
  return options;
}

// A mixed batch: raw prompts and chat, greedy and sampled, n of 1 and 3, a stop string.
std::vector<GenerationRequest> mixed_batch(int count, int max_tokens) {
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < count; ++i) {
    GenerationRequest r;
    r.id = "r" + std::to_string(i);
    if (i % 3 == 2)
      r.messages = {{"user", "Question number " + std::to_string(i) + "?"}};
    else
      r.prompt = "Prompt " + std::to_string(i) + ": the answer is";
    r.params.temperature = i % 2 ? 0.9 : 0;
    r.params.top_p = i % 4 == 1 ? 0.8 : 1.0;
    r.params.n = i % 4 == 3 ? 3 : 1;
    r.params.seed = 1000 + i;
    r.params.max_tokens = max_tokens;
    if (i == 4) r.params.stop = {"e"};
    requests.push_back(std::move(r));
  }
  return requests;
}

std::map<std::string, GenerationResult> run_client(OpenAIClient& client, const std::vector<GenerationRequest>& requests,
                                                   const std::function<void()>& after_first = {}) {
  std::map<std::string, GenerationResult> out;
  client.generate(requests, [&](GenerationResult result) {
    EXPECT_EQ(out.count(result.request_id), 0u) << "reported twice: " << result.request_id;
    out[result.request_id] = std::move(result);
    if (out.size() == 1 && after_first) after_first();
  });
  return out;
}

// Texts and finish reasons are exact; token counts are exact in total (the API reports usage
// per request, so the client estimates the split among n > 1 samples).
void expect_same_as_embedded(const std::vector<GenerationRequest>& requests,
                             const std::map<std::string, GenerationResult>& got) {
  ASSERT_EQ(got.size(), requests.size());
  for (const auto& request : requests) {
    const GenerationResult ref = test::reference_result(request);
    const GenerationResult& r = got.at(request.id);
    EXPECT_EQ(r.prompt_tokens, ref.prompt_tokens) << request.id;
    ASSERT_EQ(r.completions.size(), ref.completions.size()) << request.id;
    int ref_tokens = 0, got_tokens = 0;
    for (size_t i = 0; i < ref.completions.size(); ++i) {
      EXPECT_EQ(r.completions[i].text, ref.completions[i].text) << request.id << " sample " << i;
      EXPECT_EQ(r.completions[i].finish, ref.completions[i].finish) << request.id << " sample " << i;
      ref_tokens += ref.completions[i].completion_tokens;
      got_tokens += r.completions[i].completion_tokens;
    }
    EXPECT_EQ(got_tokens, ref_tokens) << request.id;
    if (ref.completions.size() == 1) EXPECT_EQ(r.completions[0].completion_tokens, ref_tokens) << request.id;
  }
}

TEST(OpenAIClientOverServe, TwoServersGiveTheEmbeddedResults) {
  test::ServeProcess a(test::serve_args()), b(test::serve_args());
  OpenAIClient client(client_options({&a, &b}));
  const auto requests = mixed_batch(12, 10);
  expect_same_as_embedded(requests, run_client(client, requests));
  // Both servers did some of the work.
  const UsageReport usage = client.usage();
  ASSERT_EQ(usage.endpoints.size(), 2u);
  EXPECT_GT(usage.endpoints[0].usage.requests, 0);
  EXPECT_GT(usage.endpoints[1].usage.requests, 0);
  EXPECT_EQ(usage.total.failed_attempts, 0);
  EXPECT_EQ(a.terminate(), 0);
  EXPECT_EQ(b.terminate(), 0);
}

TEST(OpenAIClientOverServe, OneServerKilledMidBatchTheOtherFinishes) {
  test::ServeProcess doomed(test::serve_args()), survivor(test::serve_args());
  OpenAIClient client(client_options({&doomed, &survivor}));
  // Long completions keep requests in flight on both servers when the first result comes back.
  const auto requests = mixed_batch(16, 96);
  const auto got = run_client(client, requests, [&] { doomed.kill(); });
  EXPECT_FALSE(doomed.running());
  expect_same_as_embedded(requests, got);
  const UsageReport usage = client.usage();
  EXPECT_GT(usage.total.failed_attempts, 0) << "the kill interrupted nothing";
  EXPECT_EQ(usage.total.requests, static_cast<long long>(requests.size()));
  EXPECT_EQ(survivor.terminate(), 0);
}

}  // namespace
}  // namespace regenesis
