#pragma once
// The statistics of the evaluation tables: binomial confidence intervals for an accuracy and
// paired tests for the difference between two evaluations of the same questions.
#include <cstdint>
#include <utility>
#include <vector>

namespace regenesis {

// Two-sided normal quantile of the 95% level: Phi^-1(0.975).
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
  double low = 0.0;
  double high = 1.0;
};

// Wilson score interval of a proportion successes/n (Wilson 1927). Unlike the Wald interval it
// stays inside [0, 1] and does not collapse to a point at 0 or n successes, which matters for
// the near-zero accuracies of small models. n == 0 gives [0, 1].
Interval wilson_interval(int64_t successes, int64_t n, double z = kZ95);

// P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the tens of thousands is exact
// to double precision.
double binomial_half_cdf(int64_t k, int64_t n);

// Exact (binomial) McNemar test, two-sided: b and c are the discordant pairs (right before and
// wrong after; wrong before and right after). p = min(1, 2 * P(X <= min(b, c))), X ~ Bin(b+c, 1/2).
// b + c == 0 gives 1.
double mcnemar_exact_p(int64_t b, int64_t c);

// Paired bootstrap of the accuracy difference mean(after) - mean(before) over the same items:
// `resamples` draws of n items with replacement (seeded, so the interval is reproducible), and
// the percentile interval at the given level. Empty input gives [0, 0].
Interval paired_bootstrap_interval(const std::vector<std::pair<bool, bool>>& before_after,
                                   int resamples = 2000, uint64_t seed = 1, double level = 0.95);

}  // namespace regenesis
