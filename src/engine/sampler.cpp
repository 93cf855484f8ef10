#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/cpu_features.h"
#include "model/simd_math.h"
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

namespace {

#if REGENESIS_SIMD
// The largest non-NaN logit's first index, or -1 when all are NaN: one pass for the maximum, one
// to find where it first occurs (both 16 lanes wide).
RG_AVX512 int argmax_simd(const float* logits, int count) {
  __m512 top = _mm512_set1_ps(-INFINITY);
  bool any = false;
  for (int i = 0; i < count; i += 16) {
    const __mmask16 mask = count - i >= 16 ? __mmask16(0xffff) : _cvtu32_mask16((1u << (count - i)) - 1);
    const __m512 x = _mm512_maskz_loadu_ps(mask, logits + i);
    const __mmask16 ordered = _mm512_cmp_ps_mask(x, x, _CMP_ORD_Q) & mask;
    any |= ordered != 0;
    top = _mm512_mask_max_ps(top, ordered, top, x);
  }
  if (!any) return -1;
  const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(top));
  for (int i = 0; i < count; i += 16) {
    const __mmask16 mask = count - i >= 16 ? __mmask16(0xffff) : _cvtu32_mask16((1u << (count - i)) - 1);
    const __mmask16 hit = _mm512_mask_cmp_ps_mask(mask, _mm512_maskz_loadu_ps(mask, logits + i), max, _CMP_EQ_OQ);
    if (hit) return i + __builtin_ctz(hit);
  }
  return -1;
}
#endif

}  // namespace

int argmax_token(const float* logits, int count) {
  int best = -1;
#if REGENESIS_SIMD
  if (cpu_features().avx512 && !simd_kernels_disabled()) {
    best = argmax_simd(logits, count);
    if (best < 0) fail("sampling: all ", count, " logits are NaN");
    return best;
  }
#endif
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

namespace {

// exp((x - max) / temperature) of every candidate (NaN -> 0), in float32: vectorised where the
// CPU allows. These are the unnormalised probabilities the fast path works on.
#if REGENESIS_SIMD
RG_AVX512 void scaled_exp_simd(const float* logits, int count, float max, float inverse_t, float* out) {
  const __m512 shift = _mm512_set1_ps(max), scale = _mm512_set1_ps(inverse_t);
  for (int i = 0; i < count; i += 16) {
    const __mmask16 mask = count - i >= 16 ? __mmask16(0xffff) : _cvtu32_mask16((1u << (count - i)) - 1);
    const __m512 x = _mm512_maskz_loadu_ps(mask, logits + i);
    __m512 e = simd::exp_ps(_mm512_mul_ps(_mm512_sub_ps(x, shift), scale));
    e = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, x, _CMP_ORD_Q), e);  // NaN gets no mass
    e = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-INFINITY), _CMP_NEQ_OQ), e);
    _mm512_mask_storeu_ps(out + i, mask, e);
  }
}
#endif

void scaled_exp(const float* logits, int count, float max, double temperature, float* out) {
  const float inverse_t = static_cast<float>(1.0 / temperature);
#if REGENESIS_SIMD
  if (cpu_features().avx512 && !simd_kernels_disabled())
    return scaled_exp_simd(logits, count, max, inverse_t, out);
#endif
  for (int i = 0; i < count; ++i)
    out[i] = std::isnan(logits[i]) ? 0.0f : std::exp((logits[i] - max) * inverse_t);
}

// The kept set is a prefix of the total order "higher probability first, lower id on ties", so
// it is described by its last member: token i is kept when (e[i], -i) >= (e[last], -last).
struct Cut {
  float e = 0;
  int id = -1;  // -1: every token with e > 0 is kept
  double mass = 0;
  bool keeps(float ei, int i) const { return id < 0 ? ei > 0 : (ei > e || (ei == e && i <= id)); }
};

// Buckets by the top bits of the float (exponent and 4 mantissa bits): monotone in e, so the
// buckets above the one holding the cut are kept whole and only that one needs sorting.
constexpr int kBuckets = 4096;
inline int bucket_of(float e) {
  uint32_t bits;
  __builtin_memcpy(&bits, &e, sizeof bits);
  return static_cast<int>(bits >> 19);
}

class Selector {
 public:
  Selector(const float* e, int count) : e_(e), count_(count) {
    counts_.assign(kBuckets, 0);
    mass_.assign(kBuckets, 0.0);
    for (int i = 0; i < count; ++i)
      if (e[i] > 0) {
        const int b = bucket_of(e[i]);
        ++counts_[b];
        mass_[b] += e[i];
        ++nonzero_;
      }
  }
  int nonzero() const { return nonzero_; }

  // The first `k` tokens of the order, or the shortest prefix of the first `limit` tokens whose
  // mass reaches `target` (at least one token).
  Cut first_k(int k) { return walk([&](int taken, double) { return taken >= k; }, nonzero_); }
  Cut reaching(double target, int limit) {
    return walk([&](int, double mass) { return mass >= target; }, limit);
  }

 private:
  // Walks the order bucket by bucket (whole buckets while `done` stays false after them), then
  // member by member inside the bucket where `done` turns true or `limit` is reached.
  template <typename Done>
  Cut walk(Done done, int limit) {
    int taken = 0;
    double mass = 0;
    for (int b = kBuckets - 1; b >= 0; --b) {
      if (counts_[b] == 0) continue;
      const bool whole = taken + counts_[b] <= limit && !done(taken + counts_[b], mass + mass_[b]);
      if (whole) {
        taken += counts_[b];
        mass += mass_[b];
        continue;
      }
      const std::vector<int>& members = sorted_bucket(b);
      for (int id : members) {
        taken += 1;
        mass += e_[id];
        if (taken >= limit || done(taken, mass)) return {e_[id], id, mass};
      }
    }
    return {0, -1, mass};  // everything with e > 0
  }

  const std::vector<int>& sorted_bucket(int b) {
    if (sorted_for_ != b) {
      members_.clear();
      for (int i = 0; i < count_; ++i)
        if (e_[i] > 0 && bucket_of(e_[i]) == b) members_.push_back(i);
      std::sort(members_.begin(), members_.end(),
                [&](int x, int y) { return e_[x] != e_[y] ? e_[x] > e_[y] : x < y; });
      sorted_for_ = b;
    }
    return members_;
  }

  const float* e_;
  int count_, nonzero_ = 0, sorted_for_ = -1;
  std::vector<int> counts_;
  std::vector<double> mass_;
  std::vector<int> members_;
};

// The unnormalised probabilities in `e` and the cut that sampling_distribution's rules make.
Cut find_cut(const float* logits, int count, const SamplingCut& cut, std::vector<float>& e) {
  const int best = argmax_token(logits, count);
  e.resize(count);
  scaled_exp(logits, count, logits[best], cut.temperature, e.data());
  const bool top_k_cuts = cut.top_k > 0;
  const bool top_p_cuts = cut.top_p < 1.0;
  if (!top_k_cuts && !top_p_cuts) {
    double mass = 0;
    for (int i = 0; i < count; ++i) mass += e[i];
    return {0, -1, mass};
  }
  Selector selector(e.data(), count);
  int limit = selector.nonzero();
  Cut kept = selector.first_k(top_k_cuts ? std::min(cut.top_k, limit) : limit);
  if (top_k_cuts) limit = std::min(cut.top_k, limit);
  if (top_p_cuts) kept = selector.reaching(cut.top_p * kept.mass, limit);
  return kept;
}

}  // namespace

int sample_token(const float* logits, int count, const SamplingCut& cut, SampleRng& rng) {
  if (count <= 0) fail("sampling: no candidate tokens");
  if (cut.temperature <= 0) return argmax_token(logits, count);
  thread_local std::vector<float> e;
  const Cut kept = find_cut(logits, count, cut, e);
  const double u = rng.uniform() * kept.mass;
  double cumulative = 0;
  int last = -1;
  for (int i = 0; i < count; ++i) {
    if (!kept.keeps(e[i], i)) continue;
    cumulative += e[i];
    last = i;
    if (u < cumulative) return i;
  }
  return last;  // u fell in the rounding gap at the very top
}

std::vector<int> sampling_support(const float* logits, int count, const SamplingCut& cut) {
  if (count <= 0) fail("sampling: no candidate tokens");
  if (cut.temperature <= 0) return {argmax_token(logits, count)};
  std::vector<float> e;
  const Cut kept = find_cut(logits, count, cut, e);
  std::vector<int> out;
  for (int i = 0; i < count; ++i)
    if (kept.keeps(e[i], i)) out.push_back(i);
  return out;
}

}  // namespace regenesis
