#pragma once
// Stable 64-bit hashes (the same on every platform and build), for per-request sampling seeds,
// prompt fingerprints and export content hashes. Not cryptographic.
#include <cstdint>
#include <string>
#include <string_view>

namespace regenesis {

// FNV-1a over the bytes, then a splitmix64 finaliser so nearby inputs spread over all bits.
uint64_t stable_hash(std::string_view bytes);
// A seed derived from (run seed, key): always the same, whatever the batch, the chunk or the
// resume point.
uint64_t derive_seed(uint64_t run_seed, std::string_view key);
// The sampling seed of one generation request: derive_seed cut to 63 bits, because
// OpenAI-compatible servers take "seed" as a signed 64-bit integer and every backend must
// sample from the same stream.
uint64_t request_seed(uint64_t run_seed, std::string_view key);
// 16 lowercase hex digits.
std::string hash_hex(std::string_view bytes);

}  // namespace regenesis
