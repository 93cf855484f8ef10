// EngineSource over the embedded engine: results equal generate()'s, a request the engine
// refuses is a 400, drain() waits for what was submitted and later submits get a 503.
#include "server/engine_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "serve_fixture.h"
#include "server/api_error.h"

namespace regenesis {
namespace {

struct Outcome {
  std::mutex mutex;
  std::vector<GenerationResult> results;
  std::vector<int> error_statuses;
};

CompletionCallbacks record(Outcome& out) {
  CompletionCallbacks callbacks;
  callbacks.on_done = [&out](GenerationResult r) {
    std::lock_guard<std::mutex> lock(out.mutex);
    out.results.push_back(std::move(r));
  };
  callbacks.on_error = [&out](const ApiError& e) {
    std::lock_guard<std::mutex> lock(out.mutex);
    out.error_statuses.push_back(e.status());
  };
  return callbacks;
}

GenerationRequest request(const std::string& prompt, uint64_t seed, int n = 2) {
  GenerationRequest r;
  r.id = "same-id";  // clients' ids need not be unique
  r.prompt = prompt;
  r.params.temperature = 0.9;
  r.params.seed = seed;
  r.params.n = n;
  r.params.max_tokens = 9;
  return r;
}

TEST(EngineSource, ResultsEqualGenerateAndDrainWaits) {
  TorchEngine engine(test::tiny_model_dir(), test::reference_engine_options());
  Outcome out;
  {
    EngineSource source(engine);
    EXPECT_TRUE(source.streams_tokens());
    for (int i = 0; i < 4; ++i) source.submit(request("prompt " + std::to_string(i), 50 + i), record(out));
    source.drain();  // returns once all four have been reported
    EXPECT_EQ(source.in_flight(), 0u);
    ASSERT_EQ(out.results.size(), 4u);
    source.submit(request("too late", 1), record(out));
    EXPECT_EQ(out.error_statuses, std::vector<int>{503});
  }
  // Each result is the one generate() gives that request alone (matched by its first text).
  for (int i = 0; i < 4; ++i) {
    const GenerationResult want = test::reference_result(request("prompt " + std::to_string(i), 50 + i));
    bool found = false;
    for (const auto& got : out.results) {
      if (got.completions[0].text != want.completions[0].text) continue;
      found = true;
      EXPECT_EQ(got.request_id, "same-id");
      EXPECT_EQ(got.prompt_tokens, want.prompt_tokens);
      ASSERT_EQ(got.completions.size(), 2u);
      EXPECT_EQ(got.completions[1].text, want.completions[1].text);
    }
    EXPECT_TRUE(found) << "prompt " << i;
  }
}

TEST(EngineSource, ARequestTheEngineRefusesIsA400) {
  TorchEngine engine(test::tiny_model_dir(), test::reference_engine_options());
  EngineSource source(engine);
  Outcome out;
  GenerationRequest both = request("x", 1);
  both.messages = {{"user", "and messages"}};  // the engine takes exactly one of the two
  source.submit(both, record(out));
  GenerationRequest bad_top_p = request("x", 1);
  bad_top_p.params.top_p = 0;
  source.submit(bad_top_p, record(out));
  source.drain();
  EXPECT_EQ(out.error_statuses, (std::vector<int>{400, 400}));
  EXPECT_TRUE(out.results.empty());
}

}  // namespace
}  // namespace regenesis
