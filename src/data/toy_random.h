#pragma once
// The toy world's random numbers: a small generator whose output is the same on every platform
// and standard library (std::uniform_int_distribution is not), so a seed names the same data
// everywhere. Every question and corpus example draws from its own stream, derived from
// (seed, tag, index), so item k does not depend on how many items come before or after it.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace regenesis {

// Mixes two 64-bit values (splitmix64 finaliser of a ^ rotated b); used to derive streams.
uint64_t toy_mix(uint64_t a, uint64_t b);
// FNV-1a of a string, to put names (family, "corpus") into stream seeds.
uint64_t toy_hash(std::string_view text);
// The seed of item `index` of the stream `tag` under the user's `seed`.
uint64_t toy_stream_seed(uint64_t seed, std::string_view tag, uint64_t index);

class ToyRng {
 public:
  explicit ToyRng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform integer in [lo, hi] (inclusive), without modulo bias.
  int uniform(int lo, int hi);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }
  // Fisher-Yates with this generator.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i)
      std::swap(items[i - 1], items[static_cast<size_t>(uniform(0, static_cast<int>(i) - 1))]);
  }
  // `count` distinct indices of [0, n), in random order.
  std::vector<int> distinct(int count, int n);

 private:
  uint64_t state_;
};

}  // namespace regenesis
