// TorchEngine's thread-safe submission API: requests that join a running batch, cancellation,
// several threads generating at once. A request's output never depends on what else runs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "engine/torch_engine.h"
#include "model/init_model.h"
#include "test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

GenerationRequest request(const std::string& id, const std::string& prompt, uint64_t seed, int max_tokens, int n = 1) {
  GenerationRequest r;
  r.id = id;
  r.prompt = prompt;
  r.params.temperature = 1.0;
  r.params.top_p = 0.95;
  r.params.seed = seed;
  r.params.max_tokens = max_tokens;
  r.params.n = n;
  return r;
}

EngineOptions f32(int max_batch = 8) {
  EngineOptions o;
  o.dtype = "f32";
  o.max_batch = max_batch;
  return o;
}

std::vector<std::string> texts(const GenerationResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.completions) out.push_back(c.text + "|" + std::to_string(c.completion_tokens));
  return out;
}

class EngineSubmitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    InitOptions o;
    o.seed = 8;
    init_model_dir(dir_->path() / "m", o);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path model() { return dir_->path() / "m"; }
  static GenerationResult alone(const GenerationRequest& r) {
    TorchEngine engine(model(), f32());
    GenerationResult out;
    engine.generate({r}, [&](GenerationResult result) { out = std::move(result); });
    return out;
  }
  static test::TempDir* dir_;
};
test::TempDir* EngineSubmitTest::dir_ = nullptr;

TEST_F(EngineSubmitTest, ARequestSubmittedWhileOthersDecodeGetsItsAloneOutput) {
  const auto long_one = request("long", "Once upon a time in a quiet village", 3, 80, 2);
  const auto late = request("late", "The recipe needs flour, eggs and", 9, 20);
  TorchEngine engine(model(), f32());
  std::promise<GenerationResult> long_result, late_result;
  engine.submit(long_one, [&](GenerationResult r) { long_result.set_value(std::move(r)); });
  // Wait until the long request is decoding, then join it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (engine.stats().generated_tokens < 6 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_GE(engine.stats().generated_tokens, 6);
  engine.submit(late, [&](GenerationResult r) { late_result.set_value(std::move(r)); });
  const GenerationResult got_long = long_result.get_future().get(), got_late = late_result.get_future().get();
  EXPECT_LT(engine.stats().generated_tokens, 2 * 80 + 20 + 1);
  EXPECT_EQ(texts(got_late), texts(alone(late)));
  EXPECT_EQ(texts(got_long), texts(alone(long_one)));
}

TEST_F(EngineSubmitTest, ThreadsGeneratingAtOnceShareTheBatch) {
  const std::vector<GenerationRequest> first = {request("a", "Alpha beta gamma", 1, 16),
                                                request("b", "One two three", 2, 24, 3)};
  const std::vector<GenerationRequest> second = {request("c", "Red green blue", 3, 20),
                                                 request("d", "North south east", 4, 12)};
  TorchEngine engine(model(), f32(4));
  std::map<std::string, std::vector<std::string>> got;
  std::mutex mutex;
  auto run = [&](const std::vector<GenerationRequest>& requests) {
    engine.generate(requests, [&](GenerationResult r) {
      std::lock_guard lock(mutex);
      got[r.request_id] = texts(r);
    });
  };
  std::thread other(run, second);
  run(first);
  other.join();
  for (const auto& r : {first[0], first[1], second[0], second[1]})
    EXPECT_EQ(got.at(r.id), texts(alone(r))) << r.id;
}

TEST_F(EngineSubmitTest, CancelledRequestsNeverReportAndFreeTheirBlocks) {
  EngineOptions o = f32(2);
  o.kv_cache_tokens = 400;  // room for little more than one long request at a time
  TorchEngine engine(model(), o);
  std::atomic<int> reported{0};
  for (int i = 0; i < 3; ++i) {
    const uint64_t ticket = engine.submit(request("x" + std::to_string(i), "A long story begins", i, 300),
                                          [&](GenerationResult) { ++reported; });
    engine.cancel(ticket);
  }
  // The engine keeps serving: this one needs the blocks the cancelled ones would have held.
  const auto after = request("after", "A short one", 7, 10);
  GenerationResult result;
  engine.generate({after}, [&](GenerationResult r) { result = std::move(r); });
  EXPECT_EQ(texts(result), texts(alone(after)));
  EXPECT_EQ(reported.load(), 0);
}

TEST_F(EngineSubmitTest, SubmitRejectsBadRequestsAtOnce) {
  TorchEngine engine(model(), f32());
  GenerationRequest bad = request("bad", "text", 1, 0);
  EXPECT_THROW(engine.submit(bad, [](GenerationResult) {}), Error);
  EngineOptions tiny = f32();
  tiny.kv_cache_tokens = 64;
  tiny.max_context = 32;
  TorchEngine small(model(), tiny);
  EXPECT_EQ(small.kv_cache_tokens(), 64);
  EXPECT_GT(small.kv_cache_bytes(), 0);
}

}  // namespace
}  // namespace regenesis
