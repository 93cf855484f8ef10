// The prefix cache seen from the engine: reusing cached prompt blocks gives exactly the
// completions of an engine without a cache, computes less, and never holds more than its limit.
#include <gtest/gtest.h>

#include <map>

#include "engine/torch_engine.h"
#include "model/init_model.h"
#include "test_support.h"
#include "text/tokenizer.h"

namespace regenesis {
namespace {

// Long enough to fill several 16-token blocks.
const std::string kSharedPrefix =
    "You are a careful assistant. Think step by step, check every number twice, and give the "
    "final answer on its own line. Guidelines: 1. restate the question; 2. list what is known; "
    "3. plan; 4. compute; 5. verify.\n\nQuestion: ";

GenerationRequest request(const std::string& id, const std::string& prompt, uint64_t seed, int max_tokens = 12) {
  GenerationRequest r;
  r.id = id;
  r.prompt = prompt;
  r.params.temperature = 0.9;
  r.params.seed = seed;
  r.params.max_tokens = max_tokens;
  return r;
}

std::map<std::string, std::string> texts(TorchEngine& engine, const std::vector<GenerationRequest>& requests) {
  std::map<std::string, std::string> out;
  engine.generate(requests, [&](GenerationResult r) { out[r.request_id] = r.completions[0].text; });
  return out;
}

EngineOptions options(int64_t prefix_cache_tokens) {
  EngineOptions o;
  o.dtype = "f32";
  o.max_batch = 8;
  o.prefix_cache_tokens = prefix_cache_tokens;
  return o;
}

class PrefixCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    InitOptions o;
    o.seed = 5;
    init_model_dir(dir_->path() / "m", o);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path model() { return dir_->path() / "m"; }
  static test::TempDir* dir_;
};
test::TempDir* PrefixCacheTest::dir_ = nullptr;

TEST_F(PrefixCacheTest, CachedPrefixesGiveTheCompletionsOfAnUncachedEngine) {
  const std::vector<GenerationRequest> requests = {
      request("a", kSharedPrefix + "How many legs do 3 spiders have?", 1),
      request("b", kSharedPrefix + "What is 17 times 3?", 2),
      request("c", kSharedPrefix + "How many legs do 3 spiders have? Explain.", 3)};
  TorchEngine plain(model(), options(0));
  const auto want = texts(plain, requests);
  EXPECT_EQ(plain.stats().prefix_hit_tokens, 0);

  TorchEngine cached(model(), options(-1));
  std::map<std::string, std::string> got;
  for (const auto& r : requests) got.merge(texts(cached, {r}));  // one at a time: later ones hit
  EXPECT_EQ(got, want);
  const EngineStats s = cached.stats();
  const int64_t prefix = static_cast<int64_t>(cached.tokenizer().encode(kSharedPrefix).size());
  EXPECT_GE(s.prefix_hit_tokens, 2 * (prefix / 16) * 16) << "b and c reuse the shared prefix";
  EXPECT_EQ(s.prefill_tokens + s.prefix_hit_tokens, plain.stats().prefill_tokens);
  EXPECT_EQ(s.prompt_tokens, plain.stats().prompt_tokens);
}

TEST_F(PrefixCacheTest, IdenticalPromptsInOneBatchArePrefilledOnce) {
  // The pipeline sends the 20 SELECT samples of a question as 20 requests with one prompt.
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 6; ++i)
    requests.push_back(request(std::to_string(i), kSharedPrefix + "Which modules apply?", 100 + i));
  TorchEngine plain(model(), options(0));
  TorchEngine cached(model(), options(-1));
  EXPECT_EQ(texts(cached, requests), texts(plain, requests));
  const int64_t length = static_cast<int64_t>(
      cached.tokenizer().encode(kSharedPrefix + "Which modules apply?").size());
  const EngineStats s = cached.stats();
  EXPECT_EQ(s.prompt_tokens, 6 * length);
  // The first computes the prompt; each other one only what follows its last full cached block.
  EXPECT_LE(s.prefill_tokens, length + 5 * 16);
  EXPECT_LT(s.prefill_tokens, 2 * length);
}

TEST_F(PrefixCacheTest, TheCacheNeverExceedsItsLimitAndEvictsTheOldest) {
  const int64_t limit = 64;  // 4 blocks of 16
  TorchEngine engine(model(), options(limit));
  std::vector<std::string> prompts;
  for (int i = 0; i < 8; ++i)
    prompts.push_back("Prompt number " + std::to_string(i) + " talks about topic " + std::to_string(i * 7) +
                      ", which has nothing in common with the others at all: " + std::string(i + 3, 'x'));
  for (size_t i = 0; i < prompts.size(); ++i) {
    texts(engine, {request("p" + std::to_string(i), prompts[i], i)});
    EXPECT_LE(engine.stats().prefix_cache.cached_tokens, limit) << "after prompt " << i;
  }
  const EngineStats before = engine.stats();
  EXPECT_GT(before.prefix_cache.evicted_blocks, 0);
  // The most recent prompt is still cached; the first one was evicted.
  texts(engine, {request("again-last", prompts.back(), 50)});
  const int64_t last_hits = engine.stats().prefix_hit_tokens - before.prefix_hit_tokens;
  EXPECT_GT(last_hits, 0);
  texts(engine, {request("again-first", prompts.front(), 51)});
  EXPECT_EQ(engine.stats().prefix_hit_tokens - before.prefix_hit_tokens, last_hits);
}

}  // namespace
}  // namespace regenesis
