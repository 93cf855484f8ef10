#include "pipeline/hashing.h"

#include <cstdio>

namespace regenesis {
namespace {
uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

uint64_t stable_hash(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return splitmix64(h);
}

uint64_t derive_seed(uint64_t run_seed, std::string_view key) {
  return splitmix64(run_seed ^ stable_hash(key));
}

uint64_t request_seed(uint64_t run_seed, std::string_view key) {
  return derive_seed(run_seed, key) & 0x7fffffffffffffffULL;
}

std::string hash_hex(std::string_view bytes) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx",
                static_cast<unsigned long long>(stable_hash(bytes)));
  return buffer;
}

}  // namespace regenesis
