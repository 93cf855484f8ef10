// The statistics of the evaluation tables against independent computations.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/stats.h"

namespace regenesis {
namespace {

// Wilson score intervals published in Newcombe (1998), "Two-sided confidence intervals for the
// single proportion: comparison of seven methods", Stat. Med. 17:857-872, Table I (method 3),
// given there to 4 decimals.
TEST(WilsonInterval, MatchesNewcombesPublishedValues) {
  struct Case {
    int64_t x, n;
    double low, high;
  };
  const Case cases[] = {{81, 263, 0.2553, 0.3662},
                        {15, 148, 0.0624, 0.1605},
                        {0, 20, 0.0, 0.1611},
                        {1, 29, 0.0061, 0.1718},
                        {29, 29, 0.8830, 1.0}};
  for (const Case& c : cases) {
    const Interval ci = wilson_interval(c.x, c.n);
    EXPECT_NEAR(ci.low, c.low, 5e-5) << c.x << "/" << c.n;
    EXPECT_NEAR(ci.high, c.high, 5e-5) << c.x << "/" << c.n;
  }
}

// The Wilson bounds are, by definition, the proportions p at which the score test statistic
// |phat - p| / sqrt(p (1 - p) / n) equals z: check that characterization directly.
TEST(WilsonInterval, BoundsInvertTheScoreTest) {
  for (auto [x, n] : {std::pair<int64_t, int64_t>{3, 17}, {50, 100}, {999, 1000}, {7, 1319}}) {
    const Interval ci = wilson_interval(x, n);
    const double phat = static_cast<double>(x) / n;
    for (double p : {ci.low, ci.high}) {
      const double score = std::fabs(phat - p) / std::sqrt(p * (1 - p) / n);
      EXPECT_NEAR(score, kZ95, 1e-9) << x << "/" << n << " at p=" << p;
    }
    EXPECT_LT(ci.low, phat);
    EXPECT_GT(ci.high, phat);
  }
}

TEST(WilsonInterval, EdgeCases) {
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
  // 0 of n: the upper bound is z^2 / (n + z^2) (the quadratic's root at phat = 0).
  const Interval zero = wilson_interval(0, 10);
  EXPECT_EQ(zero.low, 0.0);
  EXPECT_NEAR(zero.high, kZ95 * kZ95 / (10 + kZ95 * kZ95), 1e-12);
}

// P(X <= k), X ~ Bin(n, 1/2), summed with exact integer binomial coefficients.
double direct_binomial_cdf(int k, int n) {
  unsigned __int128 total = 0, coefficient = 1;  // C(n, 0)
  for (int i = 0; i <= k; ++i) {
    total += coefficient;
    coefficient = coefficient * static_cast<unsigned>(n - i) / static_cast<unsigned>(i + 1);
  }
  return static_cast<double>(static_cast<long double>(total) / std::ldexp(1.0L, n));
}

TEST(McNemarExact, EqualsTwiceTheDirectBinomialTail) {
  // (b, c) tables, including ties, one-sided extremes and the hand value below.
  const std::pair<int, int> tables[] = {{1, 6}, {0, 5}, {3, 12}, {12, 3}, {7, 7}, {10, 25}, {0, 1}, {40, 60}};
  for (auto [b, c] : tables) {
    const double expected = std::min(1.0, 2.0 * direct_binomial_cdf(std::min(b, c), b + c));
    EXPECT_NEAR(mcnemar_exact_p(b, c), expected, 1e-12 * std::max(1.0, expected)) << b << "," << c;
  }
  // By hand: b=3, c=12: 2 * (1 + 15 + 105 + 455) / 2^15 = 1152 / 32768.
  EXPECT_NEAR(mcnemar_exact_p(3, 12), 1152.0 / 32768.0, 1e-15);
  EXPECT_NEAR(mcnemar_exact_p(1, 6), 2.0 * 8.0 / 128.0, 1e-15);
  EXPECT_EQ(mcnemar_exact_p(0, 0), 1.0);
  EXPECT_EQ(mcnemar_exact_p(5, 5), 1.0);  // capped at 1
}

TEST(McNemarExact, LargeTablesAgreeWithATermRecursion) {
  // n = 880: the tail summed with the ratio C(n, i+1) / C(n, i) = (n - i) / (i + 1) in long
  // double, starting from 2^-n (representable in long double).
  const int b = 400, c = 480, n = b + c;
  long double term = std::ldexp(1.0L, -n), total = 0;
  for (int i = 0; i <= b; ++i) {
    total += term;
    term = term * (n - i) / (i + 1);
  }
  const double expected = static_cast<double>(2 * total);
  EXPECT_NEAR(mcnemar_exact_p(b, c), expected, 1e-9 * expected);
  EXPECT_GT(expected, 0.005);  // a real, not vanishing, p-value for this table
  EXPECT_LT(expected, 0.01);
}

TEST(PairedBootstrap, DegenerateSamplesGivePointIntervals) {
  const std::vector<std::pair<bool, bool>> same(50, {true, true});
  const Interval flat = paired_bootstrap_interval(same);
  EXPECT_EQ(flat.low, 0.0);
  EXPECT_EQ(flat.high, 0.0);
  const std::vector<std::pair<bool, bool>> better(30, {false, true});
  const Interval up = paired_bootstrap_interval(better);
  EXPECT_EQ(up.low, 1.0);
  EXPECT_EQ(up.high, 1.0);
}

TEST(PairedBootstrap, IntervalMatchesTheNormalApproximationAndIsSeeded) {
  // 400 items: 100 improved, 40 worsened, the rest unchanged. Difference 0.15; the standard error
  // of a mean of d in {-1, 0, 1} is sqrt(var(d) / n).
  std::vector<std::pair<bool, bool>> pairs;
  for (int i = 0; i < 100; ++i) pairs.push_back({false, true});
  for (int i = 0; i < 40; ++i) pairs.push_back({true, false});
  for (int i = 0; i < 260; ++i) pairs.push_back({i % 2 == 0, i % 2 == 0});
  const double n = 400, mean = 60.0 / n;
  const double var = (140.0 / n) - mean * mean;
  const double half = kZ95 * std::sqrt(var / n);
  const Interval ci = paired_bootstrap_interval(pairs, 4000, 7);
  EXPECT_NEAR(ci.low, mean - half, 0.15 * half);
  EXPECT_NEAR(ci.high, mean + half, 0.15 * half);
  const Interval again = paired_bootstrap_interval(pairs, 4000, 7);
  EXPECT_EQ(ci.low, again.low);
  EXPECT_EQ(ci.high, again.high);
}

}  // namespace
}  // namespace regenesis
