#include "data/toy_random.h"

#include <numeric>

namespace regenesis {
namespace {

uint64_t splitmix_finalise(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t toy_mix(uint64_t a, uint64_t b) {
  return splitmix_finalise(a ^ ((b << 23) | (b >> 41)) ^ (b * 0x9e3779b97f4a7c15ULL));
}

uint64_t toy_hash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t toy_stream_seed(uint64_t seed, std::string_view tag, uint64_t index) {
  return toy_mix(toy_mix(seed, toy_hash(tag)), index);
}

uint64_t ToyRng::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return splitmix_finalise(state_);
}

int ToyRng::uniform(int lo, int hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;  // reject the biased tail
  uint64_t x = next();
  while (x >= limit) x = next();
  return lo + static_cast<int>(x % range);
}

double ToyRng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::vector<int> ToyRng::distinct(int count, int n) {
  std::vector<int> all(static_cast<size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  shuffle(all);
  all.resize(static_cast<size_t>(count));
  return all;
}

}  // namespace regenesis
