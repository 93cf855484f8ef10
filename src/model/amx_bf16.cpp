#include "model/amx_bf16.h"

#include <ATen/Parallel.h>

#include <algorithm>

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "model/cpu_features.h"
#include "model/packed_bf16.h"
#include "model/simd_math.h"
#include "util/error.h"

namespace regenesis::kernels {

bool amx_tiles_usable() {
#if REGENESIS_SIMD && defined(__linux__)
  static const bool usable = [] {
    if (!amx_kernels_allowed() || !cpu_features().avx512) return false;
    // Linux hands out the 8 KiB tile state only to processes that ask for it.
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return usable;
#else
  return false;
#endif
}

#if REGENESIS_SIMD

namespace {

// The tile registers: C[i][j] = tmm(2i + j) sums row tile i of x (16 rows) against block j;
// A[i] = tmm(4 + i) holds row tile i's next 32 inputs, B[j] = tmm(6 + j) block j's next 16 pairs.
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {};
  uint8_t rows[16] = {};
};

#define RG_AMX __attribute__((target("amx-tile,amx-bf16")))

// Not _tile_loadconfig: its asm operand covers only the first 8 bytes of the configuration, so
// the compiler may drop the stores of the rest.
RG_AMX void load_tile_config(const TileConfig& config) { asm volatile("ldtilecfg %0" ::"m"(config)); }
RG_AMX void release_tiles() { _tile_release(); }

TileConfig config_for(int rows0, int rows1) {
  TileConfig config;
  auto set = [&](int tile, int rows) {
    config.rows[tile] = static_cast<uint8_t>(rows);
    config.bytes_per_row[tile] = 64;
  };
  for (int tile : {0, 1, 4}) set(tile, rows0);
  if (rows1 > 0)
    for (int tile : {2, 3, 5}) set(tile, rows1);
  set(6, 16);
  set(7, 16);
  return config;
}

// Sums of one or two row tiles of x against blocks b0 and b1 over `steps` x 32 inputs, stored
// to c as four [rows][16] float tiles (c + 256 * (2i + j)).
template <bool kTwoRowTiles>
RG_AMX void tile_sums(const uint16_t* x, int64_t K, const uint16_t* b0, const uint16_t* b1, int64_t steps,
               float* c) {
  const int64_t x_stride = K * 2;
  const uint16_t* x1 = x + 16 * K;
  _tile_zero(0);
  _tile_zero(1);
  if constexpr (kTwoRowTiles) {
    _tile_zero(2);
    _tile_zero(3);
  }
  for (int64_t s = 0; s < steps; ++s) {
    _tile_loadd(4, x + s * 32, x_stride);
    _tile_loadd(6, b0 + s * 512, 64);
    _tile_loadd(7, b1 + s * 512, 64);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    if constexpr (kTwoRowTiles) {
      _tile_loadd(5, x1 + s * 32, x_stride);
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
    }
  }
  _tile_stored(0, c, 64);
  _tile_stored(1, c + 256, 64);
  if constexpr (kTwoRowTiles) {
    _tile_stored(2, c + 512, 64);
    _tile_stored(3, c + 768, 64);
  }
}

// Where one block's sums go: row m, column c lands at out[m * ld + c] for c < columns.
struct BlockTarget {
  const uint16_t* weights = nullptr;
  float* out = nullptr;
  int64_t ld = 0;
  const float* bias = nullptr;
  bool accumulate = false;
  int64_t columns = 0;
};

RG_AVX512 void store_tile(const float* c, int rows, int64_t m0, const BlockTarget& t) {
  for (int r = 0; r < rows; ++r)
    simd::store_block(_mm512_load_ps(c + r * 16), t.out + (m0 + r) * t.ld, t.bias, t.accumulate, t.columns);
}

// Blocks per panel: the panel's weights (~256 KiB) stay in L2 while every row tile of x passes.
int64_t panel_blocks(int64_t K) { return std::max<int64_t>(2, (256 << 10) / (K * 32)); }

}  // namespace

void linear_amx_bf16(const at::Tensor& x, const std::vector<LinearOutput>& outputs,
                     const std::vector<const PackedBf16*>& packed) {
  const int64_t M = x.size(0), K = x.size(1), steps = K / 32;
  if (!amx_fits(K) || !amx_tiles_usable())
    fail("linear_amx_bf16: needs AMX tiles and a multiple of 32 inputs, got ", K);
  const uint16_t* xp = static_cast<const uint16_t*>(x.data_ptr());
  const BlockMap map(packed);
  const int64_t panel = panel_blocks(K);
  auto target = [&](int64_t block) {
    const size_t j = map.output_of(block);
    const LinearOutput& o = outputs[j];
    const int64_t local = block - map.first[j], n0 = local * 16;
    return BlockTarget{packed[j]->block(local), o.out + n0, o.ld, o.bias ? o.bias + n0 : nullptr,
                       o.accumulate, packed[j]->rows - n0};
  };
  // At least 2 blocks (32 outputs) per thread: below that the fork costs more than it saves.
  at::parallel_for(0, map.total(), 2, [&](int64_t begin, int64_t end) {
    alignas(64) float c[4 * 256];
    int configured0 = -1, configured1 = -1;
    for (int64_t p0 = begin; p0 < end; p0 += panel) {
      const int64_t p1 = std::min(end, p0 + panel);
      for (int64_t m0 = 0; m0 < M; m0 += 32) {
        const int rows0 = static_cast<int>(std::min<int64_t>(16, M - m0));
        const int rows1 = static_cast<int>(std::clamp<int64_t>(M - m0 - 16, 0, 16));
        if (rows0 != configured0 || rows1 != configured1) {
          load_tile_config(config_for(rows0, rows1));
          configured0 = rows0;
          configured1 = rows1;
        }
        for (int64_t b = p0; b < p1; b += 2) {
          const BlockTarget t0 = target(b);
          const bool pair = b + 1 < p1;
          const BlockTarget t1 = pair ? target(b + 1) : t0;  // a lone block computes twice, stores once
          if (rows1 > 0)
            tile_sums<true>(xp + m0 * K, K, t0.weights, t1.weights, steps, c);
          else
            tile_sums<false>(xp + m0 * K, K, t0.weights, t1.weights, steps, c);
          store_tile(c, rows0, m0, t0);
          if (pair) store_tile(c + 256, rows0, m0, t1);
          if (rows1 > 0) {
            store_tile(c + 512, rows1, m0 + 16, t0);
            if (pair) store_tile(c + 768, rows1, m0 + 16, t1);
          }
        }
      }
    }
    release_tiles();
  });
}

#else

void linear_amx_bf16(const at::Tensor&, const std::vector<LinearOutput>&, const std::vector<const PackedBf16*>&) {
  fail("linear_amx_bf16: this build has no x86-64 kernels");
}

#endif  // REGENESIS_SIMD

}  // namespace regenesis::kernels
