#include "model/packed_bf16.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "model/simd_math.h"
#include "util/error.h"

namespace regenesis::kernels {

PackedBf16 pack_bf16(const at::Tensor& weight) {
  if (weight.dim() != 2 || weight.scalar_type() != at::kBFloat16)
    fail("pack_bf16: needs a 2-d bfloat16 weight, got ", at::toString(weight.scalar_type()), " ",
         weight.sizes());
  PackedBf16 packed;
  packed.rows = weight.size(0);
  packed.cols = weight.size(1);
  const int64_t blocks = packed.blocks(), pairs = packed.pairs();
  at::Tensor padded = at::zeros({blocks * 16, pairs * 2}, weight.options());
  padded.narrow(0, 0, packed.rows).narrow(1, 0, packed.cols).copy_(weight.detach());
  packed.data = padded.view({blocks, 16, pairs, 2}).permute({0, 2, 1, 3}).contiguous();
  return packed;
}

#if REGENESIS_SIMD

namespace {

// Where a tile's sums go: row m, columns c < `columns` of block nb land at
// out[m * ld + nb * 16 + c] (+ bias), adding to what is there when accumulating.
struct TileStore {
  float* out;
  int64_t ld;
  const float* bias;  // offset to the tile's first column, or null
  bool accumulate;
  int64_t columns;    // valid columns from the tile's first: the last block may be partial
};

using simd::store_block;

inline int32_t load_pair(const uint16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// MR rows of x (stride ldx) against NB consecutive blocks starting at w (block stride
// `pairs` * 32): acc[m][nb] lane c = x[m] . W[16 nb + c]. An odd K ends with the pair (x[K-1], 0).
template <int MR, int NB>
RG_AVX512_BF16 void packed_tile(const uint16_t* x, int64_t ldx, const uint16_t* w, int64_t pairs,
                                bool odd, const TileStore& st) {
  const int64_t stride = pairs * 32;
  __m512 acc[MR][NB];
  for (int m = 0; m < MR; ++m)
    for (int nb = 0; nb < NB; ++nb) acc[m][nb] = _mm512_setzero_ps();
  const int64_t full = odd ? pairs - 1 : pairs;
  for (int64_t p = 0; p < full; ++p) {
    __m512i wv[NB];
    for (int nb = 0; nb < NB; ++nb) wv[nb] = _mm512_load_si512(w + nb * stride + p * 32);
    for (int m = 0; m < MR; ++m) {
      const __m512bh xv = (__m512bh)_mm512_set1_epi32(load_pair(x + m * ldx + 2 * p));
      for (int nb = 0; nb < NB; ++nb) acc[m][nb] = _mm512_dpbf16_ps(acc[m][nb], xv, (__m512bh)wv[nb]);
    }
  }
  if (odd) {
    const int64_t p = pairs - 1;
    __m512i wv[NB];
    for (int nb = 0; nb < NB; ++nb) wv[nb] = _mm512_load_si512(w + nb * stride + p * 32);
    for (int m = 0; m < MR; ++m) {
      const __m512bh xv = (__m512bh)_mm512_set1_epi32(static_cast<int32_t>(x[m * ldx + 2 * p]));
      for (int nb = 0; nb < NB; ++nb) acc[m][nb] = _mm512_dpbf16_ps(acc[m][nb], xv, (__m512bh)wv[nb]);
    }
  }
  for (int m = 0; m < MR; ++m)
    for (int nb = 0; nb < NB; ++nb)
      store_block(acc[m][nb], st.out + m * st.ld + nb * 16, st.bias ? st.bias + nb * 16 : nullptr,
                  st.accumulate, st.columns - nb * 16);
}

using PackedTileFn = void (*)(const uint16_t*, int64_t, const uint16_t*, int64_t, bool, const TileStore&);

// Rows of x per tile, and the most blocks a tile of MR rows takes: MR * NB accumulators plus NB
// weight registers and one broadcast must fit the 32 vector registers.
constexpr int kMaxRows = 8;
constexpr int kMaxBlocks = 12;
constexpr int max_blocks(int rows) {
  constexpr int table[kMaxRows + 1] = {0, 12, 8, 6, 5, 4, 4, 3, 3};
  return table[rows];
}

template <int MR, int... NB>
constexpr std::array<PackedTileFn, kMaxBlocks> tiles_of_rows(std::integer_sequence<int, NB...>) {
  return {packed_tile<MR, NB + 1>...};  // the rest stay null
}
template <int... MR>
constexpr std::array<std::array<PackedTileFn, kMaxBlocks>, kMaxRows> tile_table(std::integer_sequence<int, MR...>) {
  return {tiles_of_rows<MR + 1>(std::make_integer_sequence<int, max_blocks(MR + 1)>{})...};
}
constexpr auto kTiles = tile_table(std::make_integer_sequence<int, kMaxRows>{});

// Blocks per panel: the panel's weights (~256 KiB) stay in L2 while every tile of x passes.
int64_t panel_blocks(int64_t pairs) { return std::max<int64_t>(1, (256 << 10) / (pairs * 64)); }

}  // namespace

void linear_packed_bf16(const at::Tensor& x, const std::vector<LinearOutput>& outputs,
                        const std::vector<const PackedBf16*>& packed) {
  const int64_t M = x.size(0), K = x.size(1), pairs = (K + 1) / 2;
  const bool odd = K % 2 != 0;
  const uint16_t* xp = static_cast<const uint16_t*>(x.data_ptr());
  const BlockMap map(packed);
  const int64_t panel = panel_blocks(pairs);
  // At least 2 blocks (32 outputs) per thread: below that the fork costs more than it saves.
  at::parallel_for(0, map.total(), 2, [&](int64_t begin, int64_t end) {
    for (int64_t p0 = begin; p0 < end; p0 += panel) {
      const int64_t p1 = std::min(end, p0 + panel);
      for (int64_t m0 = 0; m0 < M; m0 += kMaxRows) {
        const int rows = static_cast<int>(std::min<int64_t>(kMaxRows, M - m0));
        const int widest = max_blocks(rows);
        for (int64_t b = p0; b < p1;) {
          const size_t j = map.output_of(b);
          const LinearOutput& o = outputs[j];
          const int64_t local = b - map.first[j];
          const int nb = static_cast<int>(std::min<int64_t>({widest, p1 - b, map.first[j + 1] - b}));
          const int64_t n0 = local * 16;
          const TileStore st{o.out + m0 * o.ld + n0, o.ld, o.bias ? o.bias + n0 : nullptr,
                             o.accumulate, packed[j]->rows - n0};
          kTiles[rows - 1][nb - 1](xp + m0 * K, K, packed[j]->block(local), pairs, odd, st);
          b += nb;
        }
      }
    }
  });
}

#else

void linear_packed_bf16(const at::Tensor&, const std::vector<LinearOutput>&,
                        const std::vector<const PackedBf16*>&) {
  fail("linear_packed_bf16: this build has no AVX-512 kernels");
}

#endif  // REGENESIS_SIMD

}  // namespace regenesis::kernels
