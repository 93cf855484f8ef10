// Writing new tokens' keys and values into the paged KV cache (declared in paged_attention.h):
// keys as pairs of dimensions per position, values as pairs of positions per dimension, the
// layouts paged_attention.cpp reads in place (model/kv_cache.h).
#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <vector>

#include "model/cpu_kernels.h"
#include "model/paged_attention.h"
#include "model/simd_math.h"
#include "util/error.h"

namespace regenesis {

namespace {

// One token's keys and values of KV head g, dimensions d0 .. d1 - 1, into its cache slot (offset
// o of block `block`), the portable way.
template <typename T>
void write_slot(const float* kr, const float* vr, int64_t block, int64_t o, int64_t g, int64_t d0, int64_t d1,
                const AttentionShape& s, T* kp, T* vp) {
  const int64_t hd = s.head_dim, bs = s.block_size, kvh = s.kv_heads, pairs = (bs + 1) / 2;
  T* kt = kp + ((block * kvh + g) * hd) * bs + o * 2;
  T* vt = vp + ((block * kvh + g) * pairs + o / 2) * hd * 2 + o % 2;
  for (int64_t d = d0; d < d1; ++d) {
    kt[(d / 2) * bs * 2 + d % 2] = static_cast<T>(kr[d]);
    vt[2 * d] = static_cast<T>(vr[d]);
    if (o % 2 == 0) vt[2 * d + 1] = static_cast<T>(0.0f);  // the pair's other half: not garbage
  }
}

#if REGENESIS_SIMD
// The same for bfloat16 and 16 dimensions from d0 (an even number): keys go out as 32-bit pairs of
// dimensions (one per 64-byte key line), values as the low or high halves of their position
// pair's words.
RG_AVX512 void write_slot_bf16(const float* kr, const float* vr, int64_t block, int64_t o, int64_t g, int64_t d0,
                               const AttentionShape& s, uint16_t* kp, uint16_t* vp) {
  const int64_t hd = s.head_dim, bs = s.block_size, kvh = s.kv_heads, pairs = (bs + 1) / 2;
  const int64_t dims = std::min<int64_t>(16, hd - d0);
  const __mmask16 mask = simd::first_n(dims);
  uint32_t* kt = reinterpret_cast<uint32_t*>(kp + ((block * kvh + g) * hd) * bs + o * 2);
  alignas(32) uint32_t words[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(words), simd::to_bf16(_mm512_maskz_loadu_ps(mask, kr + d0)));
  for (int64_t p = 0; p < dims / 2; ++p) kt[(d0 / 2 + p) * bs] = words[p];
  uint16_t* vt = vp + ((block * kvh + g) * pairs + o / 2) * hd * 2 + 2 * d0;
  const __m512i v = _mm512_cvtepu16_epi32(simd::to_bf16(_mm512_maskz_loadu_ps(mask, vr + d0)));
  if (o % 2 == 0) {  // the low halves; the high halves zeroed (not garbage) until o + 1 comes
    _mm512_mask_storeu_epi32(vt, mask, v);
  } else {
    const uint32_t halves = dims >= 16 ? 0xFFFFFFFFu : (1u << (2 * dims)) - 1;
    _mm512_mask_storeu_epi16(vt, _cvtu32_mask32(halves & 0xAAAAAAAAu), _mm512_slli_epi32(v, 16));
  }
}
#endif

template <typename T>
void write_kv_typed(const float* k, const float* v, const AttentionRow* rows, int64_t num_rows,
                    const AttentionShape& s, at::Tensor& keys, at::Tensor& values) {
  T* kp = reinterpret_cast<T*>(keys.data_ptr());
  T* vp = reinterpret_cast<T*>(values.data_ptr());
  const int64_t hd = s.head_dim, bs = s.block_size, kvh = s.kv_heads;
  struct Slot { int64_t token, block, offset; };
  std::vector<Slot> slots;
  for (int64_t r = 0; r < num_rows; ++r)
    for (int64_t j = 0; j < rows[r].count; ++j) {
      const int64_t p = rows[r].start + j;
      slots.push_back({rows[r].first_token + j, rows[r].blocks[p / bs], p % bs});
    }
  bool simd = false;
#if REGENESIS_SIMD
  simd = std::is_same_v<T, c10::BFloat16> && kernels::simd_available(at::kFloat) && hd % 2 == 0;
#endif
  // The threads split heads and 16-dimension slices, each writing every token in order: an even
  // position zeroes the half of its pair where the odd one goes, so within a slice the odd one
  // must come after it.
  const int64_t slices = simd ? (hd + 15) / 16 : 1, width = simd ? 16 : hd;
  at::parallel_for(0, kvh * slices, slots.size() >= 8 ? 1 : kvh * slices, [&](int64_t begin, int64_t end) {
    for (int64_t unit = begin; unit < end; ++unit) {
      const int64_t g = unit / slices, d0 = (unit % slices) * width;
      for (const Slot& slot : slots) {
        const float* kr = k + (slot.token * kvh + g) * hd;
        const float* vr = v + (slot.token * kvh + g) * hd;
#if REGENESIS_SIMD
        if constexpr (std::is_same_v<T, c10::BFloat16>)
          if (simd) {
            write_slot_bf16(kr, vr, slot.block, slot.offset, g, d0, s, reinterpret_cast<uint16_t*>(kp),
                            reinterpret_cast<uint16_t*>(vp));
            continue;
          }
#endif
        write_slot(kr, vr, slot.block, slot.offset, g, d0, std::min(hd, d0 + width), s, kp, vp);
      }
    }
  });
}

}  // namespace

void write_kv(const float* k, const float* v, const AttentionRow* rows, int64_t num_rows,
              const AttentionShape& shape, at::Tensor& keys, at::Tensor& values) {
  if (keys.scalar_type() == at::kFloat)
    write_kv_typed<float>(k, v, rows, num_rows, shape, keys, values);
  else if (keys.scalar_type() == at::kBFloat16)
    write_kv_typed<c10::BFloat16>(k, v, rows, num_rows, shape, keys, values);
  else
    fail("KV cache: dtype ", at::toString(keys.scalar_type()), " is not supported by the cached forward");
}

}  // namespace regenesis
