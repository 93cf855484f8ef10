#pragma once
// The bfloat16 matrix product on AMX tiles, over the same packed weights as the vdpbf16ps
// kernel (packed_bf16.h): one block of 16 outputs x 16 pairs of inputs is exactly an AMX B tile
// (16 rows of 64 bytes, pairs of inputs side by side), so the weights are read in place.
//
// Each C tile is 16 rows of x by one block of 16 outputs; per 32 inputs, TDPBF16PS adds the
// products of every row and output in the order of the pairs, so (as with the vdpbf16ps
// kernel) an output's value does not depend on how many rows x has or what they hold.
// Internal to the model module (cpu_kernels.cpp).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "model/cpu_kernels.h"

namespace regenesis::kernels {

struct PackedBf16;

// True where this process may use the AMX tiles: the CPU has AMX-BF16, REGENESIS_KERNELS does not
// rule them out (amx_kernels_allowed) and Linux granted the tile state (arch_prctl
// ARCH_REQ_XCOMP_PERM, asked once).
bool amx_tiles_usable();

// The tile kernel takes whole tiles of inputs: K a multiple of 32.
inline bool amx_fits(int64_t K) { return K > 0 && K % 32 == 0; }

// out = x W^T (+ bias) for each output, as linear_packed_bf16 but on AMX tiles. x [M, K]
// contiguous bfloat16 with amx_fits(K); needs amx_tiles_usable().
void linear_amx_bf16(const at::Tensor& x, const std::vector<LinearOutput>& outputs,
                     const std::vector<const PackedBf16*>& packed);

}  // namespace regenesis::kernels
