#include "model/cpu_kernels.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>

#include "model/amx_bf16.h"
#include "model/cpu_features.h"
#include "model/packed_bf16.h"
#include "model/simd_math.h"
#include "util/error.h"

namespace regenesis::kernels {

namespace {

// The float32 products: rows of W per micro-tile and micro-tiles per panel (a panel, 64 rows of W,
// 144 KiB at K = 576, stays in L2 while every tile of x passes over it).
constexpr int64_t kTileRows = 4;
constexpr int64_t kPanelTiles = 16;
constexpr int64_t kTileInputs = 6;  // rows of x per micro-tile: 6 x 4 accumulators

#if REGENESIS_SIMD

// Where a micro-tile's sums go: out[m * ld + r] (+)= sum + bias[r] for r < rows.
struct TileOut {
  float* out;
  int64_t ld;
  const float* bias;  // already offset to the tile's first row, or null
  bool accumulate;
};

RG_AVX512 inline void store_sums(__m128 sums, const TileOut& o, int64_t m, __mmask8 rows) {
  if (o.bias) sums = _mm_add_ps(sums, _mm_maskz_loadu_ps(rows, o.bias));
  float* out = o.out + m * o.ld;
  if (o.accumulate) sums = _mm_add_ps(_mm_maskz_loadu_ps(rows, out), sums);
  _mm_mask_storeu_ps(out, rows, sums);
}

// Output row m, columns r < `rows`: x[m] . w[r] (+ bias), for m < MT. Columns >= `rows` repeat
// the last real row of w (their sums are never stored), so the loop never branches on the shape.
template <int MT>
RG_AVX512 void tile_f32(const float* x, int64_t ldx, const float* w, int64_t K, int64_t rows,
                        const TileOut& o) {
  const float* wr[4];
  for (int r = 0; r < 4; ++r) wr[r] = w + std::min<int64_t>(r, rows - 1) * K;
  __m512 acc[MT][4];
  for (int m = 0; m < MT; ++m)
    for (int r = 0; r < 4; ++r) acc[m][r] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= K; k += 16) {
    __m512 wv[4];
    for (int r = 0; r < 4; ++r) wv[r] = _mm512_loadu_ps(wr[r] + k);
    for (int m = 0; m < MT; ++m) {
      const __m512 xv = _mm512_loadu_ps(x + m * ldx + k);
      for (int r = 0; r < 4; ++r) acc[m][r] = _mm512_fmadd_ps(xv, wv[r], acc[m][r]);
    }
  }
  if (k < K) {
    const __mmask16 mask = simd::first_n(K - k);
    __m512 wv[4];
    for (int r = 0; r < 4; ++r) wv[r] = _mm512_maskz_loadu_ps(mask, wr[r] + k);
    for (int m = 0; m < MT; ++m) {
      const __m512 xv = _mm512_maskz_loadu_ps(mask, x + m * ldx + k);
      for (int r = 0; r < 4; ++r) acc[m][r] = _mm512_fmadd_ps(xv, wv[r], acc[m][r]);
    }
  }
  const __mmask8 row_mask = static_cast<__mmask8>((1u << rows) - 1);
  for (int m = 0; m < MT; ++m)
    store_sums(simd::sum4(acc[m][0], acc[m][1], acc[m][2], acc[m][3]), o, m, row_mask);
}

using TileFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, const TileOut&);

TileFn tile_for(int64_t inputs) {
  static const TileFn table[] = {tile_f32<1>, tile_f32<2>, tile_f32<3>, tile_f32<4>, tile_f32<5>, tile_f32<6>};
  return table[inputs - 1];
}

// Where the 4-row tiles of each output start in the one index space the threads split.
struct TileMap {
  std::vector<int64_t> first;  // first tile of output j; first.back() = total
  explicit TileMap(const std::vector<LinearOutput>& outputs) {
    first.push_back(0);
    for (const auto& o : outputs)
      first.push_back(first.back() + (o.weight->size(0) + kTileRows - 1) / kTileRows);
  }
  int64_t total() const { return first.back(); }
  size_t output_of(int64_t tile) const {
    size_t j = 0;
    while (first[j + 1] <= tile) ++j;
    return j;
  }
};

void linear_f32(const at::Tensor& x, const std::vector<LinearOutput>& outputs) {
  const int64_t M = x.size(0), K = x.size(1);
  const float* xp = x.data_ptr<float>();
  const TileMap map(outputs);
  // At least 32 rows of W per thread: below that the fork costs more than it saves.
  at::parallel_for(0, map.total(), 8, [&](int64_t begin, int64_t end) {
    for (int64_t panel = begin; panel < end; panel += kPanelTiles) {
      const int64_t panel_end = std::min(end, panel + kPanelTiles);
      for (int64_t m0 = 0; m0 < M; m0 += kTileInputs) {
        const int64_t inputs = std::min(kTileInputs, M - m0);
        const TileFn tile = tile_for(inputs);
        for (int64_t t = panel; t < panel_end; ++t) {
          const size_t j = map.output_of(t);
          const LinearOutput& o = outputs[j];
          const int64_t n0 = (t - map.first[j]) * kTileRows;
          const int64_t rows = std::min(kTileRows, o.weight->size(0) - n0);
          const TileOut dst{o.out + m0 * o.ld + n0, o.ld, o.bias ? o.bias + n0 : nullptr, o.accumulate};
          tile(xp + m0 * K, K, o.weight->data_ptr<float>() + n0 * K, K, rows, dst);
        }
      }
    }
  });
}

// The bfloat16 products run on packed weights (packed_bf16.h); unpacked ones are packed here.
// Where the CPU has AMX the tiles compute them (2-4x the vdpbf16ps kernel from 8 rows up, as
// fast at one row, with the same batch independence; bench/README.md, "AMX hosts").
void linear_bf16(const at::Tensor& x, const std::vector<LinearOutput>& outputs) {
  std::vector<PackedBf16> packed_here;
  packed_here.reserve(outputs.size());
  std::vector<const PackedBf16*> packed;
  for (const LinearOutput& o : outputs) {
    if (!o.packed) packed_here.push_back(pack_bf16(*o.weight));
    packed.push_back(o.packed ? o.packed : &packed_here.back());
    if (packed.back()->rows != o.weight->size(0) || packed.back()->cols != o.weight->size(1))
      fail("inference kernels: a packed weight is ", packed.back()->rows, "x", packed.back()->cols,
           ", its weight ", o.weight->size(0), "x", o.weight->size(1));
  }
  if (amx_tiles_usable() && amx_fits(x.size(1)))
    linear_amx_bf16(x, outputs, packed);
  else
    linear_packed_bf16(x, outputs, packed);
}

RG_AVX512 void silu_mul_simd(const float* gate, const float* up, int64_t n, void* out, bool bf16) {
  int64_t i = 0;
  for (; i < n; i += 16) {
    const __mmask16 mask = simd::first_n(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(mask, gate + i);
    const __m512 u = _mm512_maskz_loadu_ps(mask, up + i);
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, simd::exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), g))));
    const __m512 y = _mm512_mul_ps(silu, u);
    if (bf16)
      _mm256_mask_storeu_epi16(static_cast<uint16_t*>(out) + i, mask, simd::to_bf16(y));
    else
      _mm512_mask_storeu_ps(static_cast<float*>(out) + i, mask, y);
  }
}

// Rows begin..end of x normalised: sixteen lanes of squares, then (x * scale) * w as the
// portable loop computes each element.
RG_AVX512 void rms_norm_simd(const float* x, int64_t begin, int64_t end, int64_t hidden, const void* weight,
                             bool bf16_weight, float eps, void* out, bool bf16_out) {
  for (int64_t r = begin; r < end; ++r) {
    const float* xr = x + r * hidden;
    __m512 squares = _mm512_setzero_ps();
    for (int64_t i = 0; i < hidden; i += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(simd::first_n(hidden - i), xr + i);
      squares = _mm512_fmadd_ps(v, v, squares);
    }
    const float scale = 1.0f / std::sqrt(_mm512_reduce_add_ps(squares) / static_cast<float>(hidden) + eps);
    for (int64_t i = 0; i < hidden; i += 16) {
      const __mmask16 mask = simd::first_n(hidden - i);
      const __m512 w = bf16_weight ? simd::load_bf16(static_cast<const uint16_t*>(weight) + i, mask)
                                   : _mm512_maskz_loadu_ps(mask, static_cast<const float*>(weight) + i);
      const __m512 y = _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(mask, xr + i), _mm512_set1_ps(scale)), w);
      if (bf16_out)
        _mm256_mask_storeu_epi16(static_cast<uint16_t*>(out) + r * hidden + i, mask, simd::to_bf16(y));
      else
        _mm512_mask_storeu_ps(static_cast<float*>(out) + r * hidden + i, mask, y);
    }
  }
}

#endif  // REGENESIS_SIMD

void linear_aten(const at::Tensor& x, const std::vector<LinearOutput>& outputs) {
  for (const auto& o : outputs) {
    const int64_t M = x.size(0), N = o.weight->size(0);
    at::Tensor y = at::linear(x, *o.weight).to(at::kFloat);
    if (o.bias) y += at::from_blob(const_cast<float*>(o.bias), {N}, at::kFloat);
    at::Tensor dst = at::from_blob(o.out, {M, N}, {o.ld, 1}, at::kFloat);
    if (o.accumulate)
      dst.add_(y);
    else
      dst.copy_(y);
  }
}

// Rows per parallel chunk so that a chunk holds at least ~16K elements.
int64_t row_grain(int64_t width) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, width)); }

void check_store_type(at::ScalarType dtype) {
  if (dtype != at::kFloat && dtype != at::kBFloat16)
    fail("inference kernels: activations must be float32 or bfloat16, got ", at::toString(dtype));
}

}  // namespace

bool simd_available(at::ScalarType dtype) {
#if REGENESIS_SIMD
  if (simd_kernels_disabled()) return false;
  if (dtype == at::kFloat) return cpu_features().avx512;
  if (dtype == at::kBFloat16) return cpu_features().avx512_bf16;
#endif
  return false;
}

void linear(const at::Tensor& x, const std::vector<LinearOutput>& outputs) {
  if (outputs.empty() || x.size(0) == 0) return;
  const at::ScalarType dtype = x.scalar_type();
  for (const auto& o : outputs)
    if (o.weight->scalar_type() != dtype || !o.weight->is_contiguous() || o.weight->size(1) != x.size(1))
      fail("inference kernels: linear needs contiguous weights of the input's dtype and width");
#if REGENESIS_SIMD
  if (simd_available(dtype) && x.is_contiguous()) {
    if (dtype == at::kBFloat16) return linear_bf16(x, outputs);
    return linear_f32(x, outputs);
  }
#endif
  linear_aten(x, outputs);
}

void rms_norm(const float* x, int64_t rows, int64_t hidden, const at::Tensor& weight, double eps,
              void* out, at::ScalarType out_dtype) {
  check_store_type(out_dtype);
  // The weight is read in its own dtype: converting it per call was a tensor op per layer.
  const bool bf16_weight = weight.scalar_type() == at::kBFloat16 && weight.is_contiguous();
  const at::Tensor w = bf16_weight ? weight : weight.to(at::kFloat).contiguous();
#if REGENESIS_SIMD
  if (simd_available(at::kFloat)) {
    at::parallel_for(0, rows, row_grain(hidden), [&](int64_t begin, int64_t end) {
      rms_norm_simd(x, begin, end, hidden, w.data_ptr(), bf16_weight, static_cast<float>(eps), out,
                    out_dtype == at::kBFloat16);
    });
    return;
  }
#endif
  const at::Tensor wf = w.to(at::kFloat).contiguous();
  const float* wp = wf.data_ptr<float>();
  at::parallel_for(0, rows, row_grain(hidden), [&](int64_t begin, int64_t end) {
    std::vector<float> row(hidden);
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * hidden;
      float squares = 0;
      for (int64_t i = 0; i < hidden; ++i) squares += xr[i] * xr[i];
      const float scale = 1.0f / std::sqrt(squares / static_cast<float>(hidden) + static_cast<float>(eps));
      for (int64_t i = 0; i < hidden; ++i) row[i] = (xr[i] * scale) * wp[i];
      if (out_dtype == at::kFloat)
        std::copy(row.begin(), row.end(), static_cast<float*>(out) + r * hidden);
      else
        store_as(row.data(), hidden, static_cast<c10::BFloat16*>(out) + r * hidden, out_dtype);
    }
  });
}

void silu_mul(const float* gate, const float* up, int64_t n, void* out, at::ScalarType out_dtype) {
  check_store_type(out_dtype);
  const bool bf16 = out_dtype == at::kBFloat16;
  at::parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
#if REGENESIS_SIMD
    if (simd_available(at::kFloat)) {
      char* base = static_cast<char*>(out) + begin * (bf16 ? 2 : 4);
      return silu_mul_simd(gate + begin, up + begin, end - begin, base, bf16);
    }
#endif
    for (int64_t i = begin; i < end; ++i) {
      const float g = gate[i];
      const float y = g / (1.0f + std::exp(-g)) * up[i];
      if (bf16)
        static_cast<c10::BFloat16*>(out)[i] = c10::BFloat16(y);
      else
        static_cast<float*>(out)[i] = y;
    }
  });
}

void rope(float* x, int64_t rows, int64_t heads, int64_t head_dim, const int64_t* positions,
          const float* cos, const float* sin) {
  const int64_t half = head_dim / 2;
  at::parallel_for(0, rows, row_grain(heads * head_dim), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* c = cos + positions[r] * head_dim;
      const float* s = sin + positions[r] * head_dim;
      for (int64_t h = 0; h < heads; ++h) {
        float* v = x + (r * heads + h) * head_dim;
        // x * cos + rotate_half(x) * sin, the products rounded separately as ATen does.
        for (int64_t i = 0; i < half; ++i) {
          const float a = v[i], b = v[i + half];
          const float lo = a * c[i] - b * s[i];
          const float hi = b * c[i + half] + a * s[i + half];
          v[i] = lo;
          v[i + half] = hi;
        }
      }
    }
  });
}

void store_as(const float* in, int64_t n, void* out, at::ScalarType dtype) {
  check_store_type(dtype);
  if (dtype == at::kFloat) {
    std::copy(in, in + n, static_cast<float*>(out));
    return;
  }
  c10::BFloat16* o = static_cast<c10::BFloat16*>(out);
  for (int64_t i = 0; i < n; ++i) o[i] = c10::BFloat16(in[i]);
}

}  // namespace regenesis::kernels
