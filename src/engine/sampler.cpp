#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.h"

namespace regenesis {

namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

SampleRng::SampleRng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& word : state_) word = splitmix64(x);
}

uint64_t SampleRng::next() {
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double SampleRng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int argmax_token(const float* logits, int count) {
  int best = -1;
  for (int i = 0; i < count; ++i) {
    if (std::isnan(logits[i])) continue;
    if (best < 0 || logits[i] > logits[best]) best = i;
  }
  if (best < 0) fail("sampling: all ", count, " logits are NaN");
  return best;
}

std::vector<std::pair<int, double>> sampling_distribution(const float* logits, int count,
                                                          const SamplingCut& cut) {
  if (count <= 0) fail("sampling: no candidate tokens");
  if (cut.temperature <= 0) return {{argmax_token(logits, count), 1.0}};

  // Softmax in double, shifted by the max so exp never overflows; NaN and -inf get no mass.
  const int best = argmax_token(logits, count);
  const double shift = logits[best] / cut.temperature;
  std::vector<double> prob(count);
  for (int i = 0; i < count; ++i) {
    const double x = logits[i];
    prob[i] = std::isnan(x) ? 0.0 : std::exp(x / cut.temperature - shift);
  }
  std::vector<int> ids;
  ids.reserve(count);
  for (int i = 0; i < count; ++i)
    if (prob[i] > 0) ids.push_back(i);

  const bool top_k_cuts = cut.top_k > 0 && cut.top_k < static_cast<int>(ids.size());
  const bool top_p_cuts = cut.top_p < 1.0;
  // Higher probability first; equal probabilities by lower id, so the order is total and every
  // partial sort below agrees with a full sort.
  auto before = [&](int a, int b) { return prob[a] != prob[b] ? prob[a] > prob[b] : a < b; };

  if (top_k_cuts) {
    std::nth_element(ids.begin(), ids.begin() + cut.top_k, ids.end(), before);
    ids.resize(cut.top_k);
  }
  if (top_p_cuts) {
    const double mass = std::accumulate(ids.begin(), ids.end(), 0.0,
                                        [&](double s, int id) { return s + prob[id]; });
    const double target = cut.top_p * mass;
    // Sort only as much of the head as the nucleus needs, doubling until it is covered.
    size_t sorted = std::min<size_t>(64, ids.size());
    for (;;) {
      std::partial_sort(ids.begin(), ids.begin() + sorted, ids.end(), before);
      double before_mass = 0;
      size_t keep = 0;
      while (keep < sorted && before_mass < target) before_mass += prob[ids[keep++]];
      if (before_mass >= target || sorted == ids.size()) {
        ids.resize(std::max<size_t>(keep, 1));
        break;
      }
      sorted = std::min(sorted * 2, ids.size());
    }
  } else if (top_k_cuts) {
    std::sort(ids.begin(), ids.end(), before);
  }

  double total = 0;
  for (int id : ids) total += prob[id];
  std::vector<std::pair<int, double>> out;
  out.reserve(ids.size());
  for (int id : ids) out.emplace_back(id, prob[id] / total);
  return out;
}

int sample_token(const float* logits, int count, const SamplingCut& cut, SampleRng& rng) {
  if (cut.temperature <= 0) return argmax_token(logits, count);
  const auto dist = sampling_distribution(logits, count, cut);
  const double u = rng.uniform();
  double cumulative = 0;
  for (const auto& [id, p] : dist) {
    cumulative += p;
    if (u < cumulative) return id;
  }
  return dist.back().first;  // u fell in the rounding gap at the very top
}

}  // namespace regenesis
