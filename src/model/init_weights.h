#pragma once
// Seeded random weights for `model init` (torch). Every tensor draws from its own stream, keyed by
// the seed and the tensor's name, from a generator written here rather than torch's, so the values
// do not change with the libtorch version or the thread count.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "model/config.h"

namespace regenesis {

inline constexpr double kInitStd = 0.02;

// All tensors of `config` under their HF names, in a fixed order: matrices, embeddings and biases
// normal(0, kInitStd), RMSNorm weights 1. Stored as `dtype` (values drawn in float32, then
// rounded).
std::vector<std::pair<std::string, at::Tensor>> init_random_weights(const ModelConfig& config,
                                                                    uint64_t seed,
                                                                    at::ScalarType dtype);

// n normal(0, std) float32 values from the stream (seed, stream_key); the same arguments give the
// same values.
void fill_seeded_normal(float* out, int64_t n, uint64_t seed, const std::string& stream_key,
                        double std);

}  // namespace regenesis
