#pragma once
// bfloat16 weights rearranged for the vdpbf16ps matrix-product kernel, and that kernel.
//
// Layout: the N output rows of W [N, K] in blocks of 16; block b holds, for each pair of input
// columns p (K/2 rounded up), the 16 rows' weights (W[16b+r][2p], W[16b+r][2p+1]) side by side:
// [pairs][16][2], 64 bytes per pair. One aligned load then gives the next two weights of 16
// outputs, an x pair is broadcast to all lanes, and each lane accumulates one output: no
// horizontal sums, and every output is the same sequence of pair products whatever the tile
// shape, so results do not depend on how many rows x has. Padding rows/columns are zero.
// Internal to the model module (cpu_kernels.cpp, packed_weight_cache.cpp).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "model/cpu_kernels.h"

namespace regenesis::kernels {

struct PackedBf16 {
  at::Tensor data;  // [blocks, pairs, 16, 2] bfloat16, contiguous
  int64_t rows = 0, cols = 0;  // N and K of the weight it was packed from

  int64_t blocks() const { return (rows + 15) / 16; }
  int64_t pairs() const { return (cols + 1) / 2; }
  const uint16_t* block(int64_t b) const {
    return static_cast<const uint16_t*>(data.data_ptr()) + b * pairs() * 32;
  }
};

// The blocks of several packed weights in one index space, so the threads split q, k and v (or
// gate and up) as one matrix.
struct BlockMap {
  std::vector<int64_t> first;  // first block of output j; first.back() = total
  explicit BlockMap(const std::vector<const PackedBf16*>& packed) {
    first.push_back(0);
    for (const PackedBf16* p : packed) first.push_back(first.back() + p->blocks());
  }
  int64_t total() const { return first.back(); }
  size_t output_of(int64_t block) const {
    size_t j = 0;
    while (first[j + 1] <= block) ++j;
    return j;
  }
};

// W [N, K] bfloat16 (any strides) in the packed layout.
PackedBf16 pack_bf16(const at::Tensor& weight);

// out = x W^T (+ bias) for each output with the packed kernel; packed[j] is outputs[j].weight
// packed. x [M, K] contiguous bfloat16. Needs AVX512_BF16 (kernels::simd_available).
void linear_packed_bf16(const at::Tensor& x, const std::vector<LinearOutput>& outputs,
                        const std::vector<const PackedBf16*>& packed);

}  // namespace regenesis::kernels
