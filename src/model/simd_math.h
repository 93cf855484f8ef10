#pragma once
// AVX-512 building blocks shared by the kernels (cpu_kernels.cpp, amx_bf16.cpp,
// paged_attention.cpp, paged_kv_write.cpp, packed_bf16.cpp): a vectorised exp, bfloat16 <->
// float32 conversion, lane masks, the 4-way horizontal sum and the store of 16 output columns.
// Each function carries its own target attribute, so the translation units are compiled for the
// baseline ISA and only call these after checking cpu_features() at run time.
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
// GCC 12 reports its own intrinsics' deliberately undefined operands (_mm512_undefined_ps inside
// the unpack/shuffle/extract intrinsics) as uninitialised once they are inlined into functions
// with a target attribute; a false positive, silenced for the kernel files that include this.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define REGENESIS_SIMD 1
#define RG_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
#define RG_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,avx512bf16")))
#else
#define REGENESIS_SIMD 0
#endif

namespace regenesis::simd {

// bfloat16 is the top half of a float32: widening is a shift, exact.
inline float bf16_to_float(uint16_t bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float out;
  __builtin_memcpy(&out, &wide, sizeof out);
  return out;
}

#if REGENESIS_SIMD

// exp(x) for x <= 88.7: 2^n * p(r) with n = round(x / ln 2), r = x - n ln 2 (two-part ln 2), and
// p the degree-6 Taylor polynomial (|r| <= 0.35: relative error about 1e-7). Very negative
// inputs underflow to 0 (or a denormal) as exp does.
RG_AVX512 inline __m512 exp_ps(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));
  x = _mm512_min_ps(x, _mm512_set1_ps(88.7f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 720);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

// The mask of the first n of 16 lanes (none for n <= 0, all for n >= 16).
RG_AVX512 inline __mmask16 first_n(int64_t n) {
  if (n <= 0) return 0;
  return n >= 16 ? __mmask16(0xffff) : _cvtu32_mask16((1u << n) - 1);
}

// 16 bfloat16 values (only those in `mask`, the others 0) widened to float32.
RG_AVX512 inline __m512 load_bf16(const uint16_t* p, __mmask16 mask) {
  const __m256i half = _mm256_maskz_loadu_epi16(mask, p);
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(half), 16));
}

// float32 -> bfloat16 with round-to-nearest-even (NaN stays NaN), as c10::BFloat16 rounds.
RG_AVX512 inline __m256i to_bf16(__m512 v) {
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
  const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  const __m512i out = _mm512_mask_mov_epi32(rounded, nan, _mm512_or_si512(bits, _mm512_set1_epi32(0x400000)));
  return _mm512_cvtepi32_epi16(_mm512_srli_epi32(out, 16));
}

// The sums of four accumulators: lane-wise pairs first, then across the four 128-bit lanes. Each
// result depends only on its own accumulator and is added up in the same order in any position.
RG_AVX512 inline __m128 sum4(__m512 a, __m512 b, __m512 c, __m512 d) {
  const __m512 ab = _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
  const __m512 cd = _mm512_add_ps(_mm512_unpacklo_ps(c, d), _mm512_unpackhi_ps(c, d));
  const __m512 abcd = _mm512_add_ps(
      _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(ab), _mm512_castps_pd(cd))),
      _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(ab), _mm512_castps_pd(cd))));
  const __m512 halves = _mm512_add_ps(abcd, _mm512_shuffle_f32x4(abcd, abcd, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m512 lanes = _mm512_add_ps(halves, _mm512_shuffle_f32x4(halves, halves, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm512_castps512_ps128(lanes);
}

// Stores 16 sums as columns of one output row: out[c] = sums[c] (+ bias[c]) (+ out[c] when
// accumulating), for c < columns (a weight's last block of 16 outputs may be partial).
RG_AVX512 inline void store_block(__m512 sums, float* out, const float* bias, bool accumulate,
                                  int64_t columns) {
  const __mmask16 mask = first_n(columns);
  if (bias) sums = _mm512_add_ps(sums, _mm512_maskz_loadu_ps(mask, bias));
  if (accumulate) sums = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, out), sums);
  _mm512_mask_storeu_ps(out, mask, sums);
}

#endif  // REGENESIS_SIMD

}  // namespace regenesis::simd
