#include "eval/stats.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace regenesis {

Interval wilson_interval(int64_t successes, int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / nn;
  const double center = (p + z2 / (2.0 * nn)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double binomial_half_cdf(int64_t k, int64_t n) {
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  // log C(n, i) - n log 2, accumulated with log-sum-exp from the largest term.
  std::vector<double> terms;
  terms.reserve(static_cast<size_t>(k) + 1);
  const double lgn = std::lgamma(static_cast<double>(n) + 1.0);
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  for (int64_t i = 0; i <= k; ++i)
    terms.push_back(lgn - std::lgamma(static_cast<double>(i) + 1.0) -
                    std::lgamma(static_cast<double>(n - i) + 1.0) + log_half_n);
  const double top = *std::max_element(terms.begin(), terms.end());
  double sum = 0.0;
  for (double t : terms) sum += std::exp(t - top);
  return std::min(1.0, std::exp(top) * sum);
}

double mcnemar_exact_p(int64_t b, int64_t c) {
  const int64_t n = b + c;
  if (n == 0) return 1.0;
  return std::min(1.0, 2.0 * binomial_half_cdf(std::min(b, c), n));
}

Interval paired_bootstrap_interval(const std::vector<std::pair<bool, bool>>& before_after,
                                   int resamples, uint64_t seed, double level) {
  const size_t n = before_after.size();
  if (n == 0 || resamples <= 0) return {0.0, 0.0};
  // Per-item difference in {-1, 0, 1}; the mean of a resample is the accuracy difference.
  std::vector<int> diff(n);
  for (size_t i = 0; i < n; ++i)
    diff[i] = static_cast<int>(before_after[i].second) - static_cast<int>(before_after[i].first);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  std::vector<double> means(static_cast<size_t>(resamples));
  for (double& mean : means) {
    long long total = 0;
    for (size_t i = 0; i < n; ++i) total += diff[pick(rng)];
    mean = static_cast<double>(total) / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - level) / 2.0;
  auto at = [&](double q) {
    const double pos = q * static_cast<double>(means.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(means.size() - 1, lo + 1);
    return means[lo] + (means[hi] - means[lo]) * (pos - static_cast<double>(lo));
  };
  return {at(tail), at(1.0 - tail)};
}

}  // namespace regenesis
