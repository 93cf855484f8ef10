#pragma once
// Test helpers for the bfloat16 matrix-product kernels (packed_bf16_test.cpp, amx_bf16_test.cpp):
// seeded random bf16 tensors and the float64 product of the same bf16 values.
#include <ATen/ATen.h>

#include <vector>

namespace regenesis::test {

inline at::Tensor random_bf16(std::vector<int64_t> shape, uint64_t seed) {
  at::manual_seed(seed);
  return at::randn(shape, at::TensorOptions().dtype(at::kFloat)).to(at::kBFloat16);
}

// x W^T + bias in float64 from the same bf16 values.
inline at::Tensor reference_product(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  at::Tensor y = at::matmul(x.to(at::kDouble), w.to(at::kDouble).t());
  if (bias.defined()) y += bias.to(at::kDouble);
  return y;
}

}  // namespace regenesis::test
