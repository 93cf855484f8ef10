#pragma once
// Token sampling on the CPU from float32 logits: temperature (0 = greedy), top-k, top-p, drawn
// from a per-sequence random stream so that a sequence's draws depend only on its own seed, never
// on what else shares the batch. No torch here: the engine hands over a row of logits.
#include <cstdint>
#include <utility>
#include <vector>

namespace regenesis {

// xoshiro256** seeded through splitmix64: small, fast, and the same numbers on every platform and
// library version (std:: distributions are not portable, which would break "same seed, same text").
class SampleRng {
 public:
  explicit SampleRng(uint64_t seed);
  uint64_t next();
  double uniform();  // in [0, 1), 53 random bits

 private:
  uint64_t state_[4];
};

// The stream of sample `index` of a request seeded with `seed`: sample i of a request with seed s
// draws exactly what sample 0 of a request with seed s + i draws.
inline SampleRng sample_stream(uint64_t seed, int index) {
  return SampleRng(seed + static_cast<uint64_t>(index));
}

struct SamplingCut {
  double temperature = 1.0;  // 0 means greedy
  int top_k = 0;             // 0 means no cut
  double top_p = 1.0;        // 1 means no cut
};

// The distribution a draw is made from, as (token, probability) pairs over the tokens that
// survive the cuts, probabilities renormalized to sum to 1. Order: highest probability first
// (ties by lower token id) when a cut applies, token order otherwise. Only logits[0, count) are
// candidates. Temperature 0 gives the single argmax token with probability 1.
// Cut order as in vLLM / HF: temperature, then top-k, then top-p over what top-k kept (the
// smallest prefix whose mass reaches top_p; at least one token).
std::vector<std::pair<int, double>> sampling_distribution(const float* logits, int count,
                                                          const SamplingCut& cut);

// Index of the largest logit (lowest index on ties); NaN never wins.
int argmax_token(const float* logits, int count);

// Draws one token from sampling_distribution(logits, count, cut) with one uniform draw from
// `rng` (none for greedy). The fast path of the engine: O(count) whatever the cuts (no sort of
// the vocabulary: the cut point is found with a histogram of the probabilities, and only the
// one bucket it falls in is sorted), the kept tokens walked in token order.
int sample_token(const float* logits, int count, const SamplingCut& cut, SampleRng& rng);

// The tokens sample_token can draw (those sampling_distribution keeps), in token order.
std::vector<int> sampling_support(const float* logits, int count, const SamplingCut& cut);

}  // namespace regenesis
