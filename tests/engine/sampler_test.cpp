#include "engine/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace regenesis {
namespace {

std::vector<float> random_logits(int count, uint64_t seed, double scale) {
  SampleRng rng(seed);
  std::vector<float> logits(count);
  for (auto& x : logits) x = static_cast<float>((rng.uniform() - 0.5) * scale);
  return logits;
}

// The textbook computation, written independently of the sampler: full softmax, full sort, cut.
std::map<int, double> direct_distribution(const std::vector<float>& logits, double temperature,
                                          int top_k, double top_p) {
  const int n = static_cast<int>(logits.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  if (top_k > 0 && top_k < n) order.resize(top_k);
  double max = logits[order[0]];
  std::vector<double> p;
  for (int id : order) p.push_back(std::exp((logits[id] - max) / temperature));
  double sum = std::accumulate(p.begin(), p.end(), 0.0);
  for (auto& x : p) x /= sum;
  size_t keep = p.size();
  if (top_p < 1) {
    double cumulative = 0;
    for (keep = 0; keep < p.size(); ++keep) {
      if (cumulative >= top_p) break;
      cumulative += p[keep];
    }
  }
  double kept = std::accumulate(p.begin(), p.begin() + keep, 0.0);
  std::map<int, double> out;
  for (size_t i = 0; i < keep; ++i) out[order[i]] = p[i] / kept;
  return out;
}

void expect_same_distribution(const std::vector<std::pair<int, double>>& got,
                              const std::map<int, double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [id, p] : got) {
    ASSERT_TRUE(want.count(id)) << "token " << id << " should have been cut";
    EXPECT_NEAR(p, want.at(id), 1e-9) << "token " << id;
  }
}

TEST(Sampler, TemperatureZeroIsArgmaxAndDrawsNothing) {
  auto logits = random_logits(500, 7, 10.0);
  const int best = static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  SampleRng rng(1), untouched(1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sample_token(logits.data(), 500, {0.0, 0, 1.0}, rng), best);
  EXPECT_EQ(rng.next(), untouched.next());
  auto dist = sampling_distribution(logits.data(), 500, {0.0, 3, 0.5});
  ASSERT_EQ(dist.size(), 1u);
  EXPECT_EQ(dist[0].first, best);
}

TEST(Sampler, ArgmaxSkipsNanAndPrefersTheLowestIndexOnTies) {
  std::vector<float> logits = {1.0f, NAN, 3.0f, 3.0f, -INFINITY};
  EXPECT_EQ(argmax_token(logits.data(), 5), 2);
}

TEST(Sampler, NoCutIsTheSoftmaxAtTheTemperature) {
  auto logits = random_logits(300, 11, 8.0);
  for (double t : {0.5, 1.0, 1.7})
    expect_same_distribution(sampling_distribution(logits.data(), 300, {t, 0, 1.0}),
                             direct_distribution(logits, t, 0, 1.0));
}

TEST(Sampler, TopKKeepsTheKMostLikelyTokens) {
  auto logits = random_logits(1000, 3, 6.0);
  for (int k : {1, 5, 40, 999})
    expect_same_distribution(sampling_distribution(logits.data(), 1000, {0.8, k, 1.0}),
                             direct_distribution(logits, 0.8, k, 1.0));
}

TEST(Sampler, TopPKeepsTheSmallestHeadReachingP) {
  auto peaked = random_logits(1000, 5, 12.0);
  auto flat = random_logits(5000, 6, 0.5);  // nucleus of thousands: the sort must widen many times
  for (double p : {0.05, 0.5, 0.9, 0.99}) {
    expect_same_distribution(sampling_distribution(peaked.data(), 1000, {1.0, 0, p}),
                             direct_distribution(peaked, 1.0, 0, p));
    expect_same_distribution(sampling_distribution(flat.data(), 5000, {1.0, 0, p}),
                             direct_distribution(flat, 1.0, 0, p));
  }
}

TEST(Sampler, TopPAppliesToWhatTopKKept) {
  auto logits = random_logits(800, 9, 5.0);
  expect_same_distribution(sampling_distribution(logits.data(), 800, {0.7, 50, 0.6}),
                           direct_distribution(logits, 0.7, 50, 0.6));
}

TEST(Sampler, OnlyTheFirstCountLogitsAreCandidates) {
  std::vector<float> logits = {0.0f, 1.0f, 100.0f};
  EXPECT_EQ(argmax_token(logits.data(), 2), 1);
  SampleRng rng(3);
  for (int i = 0; i < 200; ++i) EXPECT_LT(sample_token(logits.data(), 2, {1.0, 0, 1.0}, rng), 2);
}

TEST(Sampler, SameSeedSameDrawsAndStreamsAreSeedPlusIndex) {
  auto logits = random_logits(200, 1, 2.0);
  auto draws = [&](SampleRng rng) {
    std::vector<int> out;
    for (int i = 0; i < 50; ++i) out.push_back(sample_token(logits.data(), 200, {1.0, 0, 1.0}, rng));
    return out;
  };
  EXPECT_EQ(draws(SampleRng(42)), draws(SampleRng(42)));
  EXPECT_NE(draws(SampleRng(42)), draws(SampleRng(43)));
  EXPECT_EQ(draws(sample_stream(42, 3)), draws(SampleRng(45)));
}

TEST(Sampler, FrequenciesMatchTheProbabilities) {
  const std::vector<float> logits = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f, -3.0f};
  const SamplingCut cut{1.0, 0, 1.0};
  const auto dist = sampling_distribution(logits.data(), 6, cut);
  const auto direct = direct_distribution(logits, 1.0, 0, 1.0);
  SampleRng rng(2024);
  const int draws = 60000;
  std::vector<int> seen(6, 0);
  for (int i = 0; i < draws; ++i) ++seen[sample_token(logits.data(), 6, cut, rng)];
  double chi2 = 0;
  for (int id = 0; id < 6; ++id) {
    const double expected = direct.at(id) * draws;
    chi2 += (seen[id] - expected) * (seen[id] - expected) / expected;
  }
  // 5 degrees of freedom: P(chi2 > 25) < 2e-4 for a correct sampler.
  EXPECT_LT(chi2, 25.0);
  EXPECT_EQ(dist.size(), 6u);
}

TEST(Sampler, CutTokensAreNeverDrawnAndKeptOnesFollowTheRenormalizedMass) {
  const std::vector<float> logits = {3.0f, 2.5f, 2.0f, 1.0f, 0.0f, -1.0f};
  const SamplingCut cut{1.0, 4, 0.8};
  const auto want = direct_distribution(logits, 1.0, 4, 0.8);
  SampleRng rng(77);
  const int draws = 40000;
  std::map<int, int> seen;
  for (int i = 0; i < draws; ++i) ++seen[sample_token(logits.data(), 6, cut, rng)];
  double chi2 = 0;
  for (const auto& [id, count] : seen) {
    ASSERT_TRUE(want.count(id)) << "drew cut token " << id;
    const double expected = want.at(id) * draws;
    chi2 += (count - expected) * (count - expected) / expected;
  }
  EXPECT_EQ(seen.size(), want.size());
  EXPECT_LT(chi2, 25.0);
}

// The engine's fast path finds the cut with a histogram instead of a sort: over vocabularies of
// realistic size, flat and peaked, it must keep exactly the tokens the reference keeps.
TEST(Sampler, FastSupportEqualsTheReferenceCut) {
  const int count = 49152;
  for (double scale : {0.5, 4.0, 30.0}) {
    const auto logits = random_logits(count, static_cast<uint64_t>(scale * 10), scale);
    for (const SamplingCut cut : {SamplingCut{1.0, 0, 0.9}, SamplingCut{0.7, 40, 1.0},
                                  SamplingCut{1.2, 500, 0.5}, SamplingCut{0.8, 0, 0.3},
                                  SamplingCut{1.0, 0, 1.0}}) {
      std::vector<int> want;
      for (const auto& [id, p] : sampling_distribution(logits.data(), count, cut)) want.push_back(id);
      std::sort(want.begin(), want.end());
      EXPECT_EQ(sampling_support(logits.data(), count, cut), want)
          << "scale " << scale << ", temperature " << cut.temperature << ", top_k " << cut.top_k
          << ", top_p " << cut.top_p;
    }
  }
}

}  // namespace
}  // namespace regenesis
