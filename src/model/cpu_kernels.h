#pragma once
// Hand-written CPU kernels of the cached (inference) forward: matrix products with few rows (a
// decode step is 1..64 rows), RMSNorm, SwiGLU's silu(gate) * up and RoPE. The matrix products use
// AVX-512 (float32) or AVX512_BF16's vdpbf16ps (bfloat16) where the CPU has them, and ATen
// otherwise. Internal to the model module (model/transformer_cached.cpp).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

namespace regenesis::kernels {

struct PackedBf16;  // model/packed_bf16.h

// True when the SIMD kernels run for weights of `dtype` on this CPU (float32: AVX-512;
// bfloat16: AVX512_BF16) and REGENESIS_KERNELS=generic is not set.
bool simd_available(at::ScalarType dtype);

struct LinearOutput {
  const at::Tensor* weight = nullptr;  // [N, K] contiguous, the dtype of x
  const float* bias = nullptr;         // [N] or null
  float* out = nullptr;                // row m of the result starts at out + m * ld
  int64_t ld = 0;
  bool accumulate = false;             // out += x W^T + bias instead of out = x W^T + bias
  // bfloat16 with the SIMD kernels: `weight` already packed (PackedWeightCache); when null,
  // linear packs it for this call (a full copy of the weight: fine for tests, not for decoding).
  const PackedBf16* packed = nullptr;
};

// out = x W^T (+ bias) for each output, all in one parallel region (q, k and v share one).
// x [M, K] contiguous, float32 or bfloat16 like the weights; sums are float32. With the SIMD
// kernels (bfloat16: AMX tiles where the CPU has them, else vdpbf16ps) every output element is
// computed by the same operations in the same order whatever M is and whatever the other rows
// hold, so a sequence's numbers never depend on its batch.
void linear(const at::Tensor& x, const std::vector<LinearOutput>& outputs);

// out[r] = x[r] * rsqrt(mean(x[r]^2) + eps) * weight, from float32 rows x [rows, H] to rows of
// out_dtype (float32 or bfloat16, rounded to nearest even).
void rms_norm(const float* x, int64_t rows, int64_t hidden, const at::Tensor& weight, double eps,
              void* out, at::ScalarType out_dtype);

// out = silu(gate) * up, elementwise over n floats, written as out_dtype.
void silu_mul(const float* gate, const float* up, int64_t n, void* out, at::ScalarType out_dtype);

// Rotates each of `heads` head vectors of every row in place (the HF rotate-half layout):
// x [rows, heads, head_dim]; row r uses table row positions[r] of cos/sin [P, head_dim].
void rope(float* x, int64_t rows, int64_t heads, int64_t head_dim, const int64_t* positions,
          const float* cos, const float* sin);

// Elementwise float32 -> dtype (float32 copy or bfloat16 rounding).
void store_as(const float* in, int64_t n, void* out, at::ScalarType dtype);

}  // namespace regenesis::kernels
