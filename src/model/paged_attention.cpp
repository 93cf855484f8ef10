#include "model/paged_attention.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "model/cpu_kernels.h"
#include "model/simd_math.h"

namespace regenesis {

namespace {

// One unit of work: the queries of one new token that share KV head `group_index`.
struct Task {
  const float* q;         // the token's queries [heads * head_dim]
  int64_t position;       // the token's position (it sees keys lo..position)
  const int32_t* blocks;  // its row's block table
  int64_t token;          // index into out
};

int64_t first_visible(const AttentionShape& s, int64_t position) {
  return s.window > 0 ? std::max<int64_t>(0, position - s.window + 1) : 0;
}

template <typename T>
float to_float(T v) {
  if constexpr (std::is_same_v<T, float>)
    return v;
  else
    return static_cast<float>(v);
}

// Portable loops: the reference behaviour on CPUs without AVX-512 (and under REGENESIS_KERNELS=generic).
template <typename T>
void attend_generic(const Task& task, int64_t g, const AttentionShape& s, const T* keys,
                    const T* values, float scale, std::vector<float>& scores, float* out) {
  const int64_t hd = s.head_dim, bs = s.block_size, kvh = s.kv_heads, group = s.heads / kvh;
  const int64_t pairs = (bs + 1) / 2;
  const int64_t lo = first_visible(s, task.position), length = task.position - lo + 1;
  scores.resize(length);
  for (int64_t h = 0; h < group; ++h) {
    const float* q = task.q + (g * group + h) * hd;
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t t = lo; t <= task.position; ++t) {
      const T* kt = keys + ((int64_t(task.blocks[t / bs]) * kvh + g) * hd) * bs + (t % bs) * 2;
      float dot = 0;
      for (int64_t d = 0; d < hd; ++d) dot += q[d] * scale * to_float(kt[(d / 2) * bs * 2 + d % 2]);
      scores[t - lo] = dot;
      max = std::max(max, dot);
    }
    float sum = 0;
    for (auto& x : scores) sum += (x = std::exp(x - max));
    float* o = out + (g * group + h) * hd;
    std::fill(o, o + hd, 0.0f);
    for (int64_t t = lo; t <= task.position; ++t) {
      const int64_t within = t % bs;
      const T* vr = values + ((int64_t(task.blocks[t / bs]) * kvh + g) * pairs + within / 2) * hd * 2 + within % 2;
      for (int64_t d = 0; d < hd; ++d) o[d] += scores[t - lo] * to_float(vr[2 * d]);
    }
    for (int64_t d = 0; d < hd; ++d) o[d] /= sum;
  }
}

#if REGENESIS_SIMD

template <typename T>
RG_AVX512 inline __m512 load16(const T* p, __mmask16 mask) {
  if constexpr (std::is_same_v<T, float>)
    return _mm512_maskz_loadu_ps(mask, p);
  else
    return simd::load_bf16(reinterpret_cast<const uint16_t*>(p), mask);
}

// Scores of HN heads (queries qs, already scaled) over keys lo..position, 16 keys per step: a
// block stores each pair of dimensions of its keys together ([head_dim / 2, block_size, 2]), so
// one load gives 16 keys x 2 dimensions and the dot products need no horizontal sums.
template <int HN>
RG_AVX512 void scores_f32(const float* qs, int64_t hd, const Task& task, int64_t lo, int64_t g,
                          const AttentionShape& s, const float* keys, float* scores, int64_t stride) {
  const int64_t bs = s.block_size, kvh = s.kv_heads;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (int64_t t = lo; t <= task.position;) {
    const int64_t o = t % bs;
    const int64_t c = std::min<int64_t>({16, bs - o, task.position + 1 - t});
    const __mmask16 mask = simd::first_n(c), low = simd::first_n(2 * c), high = simd::first_n(2 * c - 16);
    const float* kt = keys + ((int64_t(task.blocks[t / bs]) * kvh + g) * hd) * bs + o * 2;
    __m512 acc[HN];
    for (int j = 0; j < HN; ++j) acc[j] = _mm512_setzero_ps();
    for (int64_t d = 0; d < hd; d += 2, kt += 2 * bs) {
      const __m512 a = _mm512_maskz_loadu_ps(low, kt), b = _mm512_maskz_loadu_ps(high, kt + 16);
      const __m512 k0 = _mm512_permutex2var_ps(a, even, b), k1 = _mm512_permutex2var_ps(a, odd, b);
      for (int j = 0; j < HN; ++j) {
        acc[j] = _mm512_fmadd_ps(_mm512_set1_ps(qs[j * hd + d]), k0, acc[j]);
        acc[j] = _mm512_fmadd_ps(_mm512_set1_ps(qs[j * hd + d + 1]), k1, acc[j]);
      }
    }
    for (int j = 0; j < HN; ++j) _mm512_mask_storeu_ps(scores + j * stride + (t - lo), mask, acc[j]);
    t += c;
  }
}

// bfloat16 keys: per pair of dimensions, one vdpbf16ps per head and chunk of 16 keys, the
// queries rounded to bfloat16 pairs (qp: [HN][head_dim / 2] 32-bit words). NC chunks (up to 4,
// from as many cache blocks) are summed side by side, so HN x NC independent sums hide the
// instruction's latency and NC blocks stream from memory at once; each key's sum is the same
// sequence of operations however the chunks are grouped. `next` lines (the following chunks)
// are prefetched as the pairs go by.
template <int HN, int NC>
RG_AVX512_BF16 void score_chunks(const uint32_t* qp, int64_t pairs, int64_t bs, const uint16_t* const* kt,
                                 const __mmask16* masks, const uint16_t* const* next, int nexts,
                                 float* const* out, int64_t stride) {
  __m512 acc[HN][NC];
  for (int j = 0; j < HN; ++j)
    for (int c = 0; c < NC; ++c) acc[j][c] = _mm512_setzero_ps();
  for (int64_t d = 0; d < pairs; ++d) {
    for (int c = 0; c < nexts; ++c) _mm_prefetch(reinterpret_cast<const char*>(next[c] + d * 2 * bs), _MM_HINT_T0);
    __m512bh k[NC];
    for (int c = 0; c < NC; ++c) k[c] = (__m512bh)_mm512_maskz_loadu_epi32(masks[c], kt[c] + d * 2 * bs);
    for (int j = 0; j < HN; ++j) {
      const __m512bh q = (__m512bh)_mm512_set1_epi32(static_cast<int>(qp[j * pairs + d]));
      for (int c = 0; c < NC; ++c) acc[j][c] = _mm512_dpbf16_ps(acc[j][c], q, k[c]);
    }
  }
  for (int j = 0; j < HN; ++j)
    for (int c = 0; c < NC; ++c) _mm512_mask_storeu_ps(out[c] + j * stride, masks[c], acc[j][c]);
}

template <int HN>
RG_AVX512_BF16 void scores_bf16(const uint32_t* qp, int64_t hd, const Task& task, int64_t lo,
                                int64_t g, const AttentionShape& s, const c10::BFloat16* keys,
                                float* scores, int64_t stride) {
  constexpr int kChunks = 4;
  const int64_t bs = s.block_size, kvh = s.kv_heads, pairs = hd / 2;
  const uint16_t* base = reinterpret_cast<const uint16_t*>(keys);
  // The chunk of up to 16 keys from position t (within one block), and where it starts.
  auto chunk_at = [&](int64_t t, const uint16_t** kt, __mmask16* mask, int64_t* count) {
    const int64_t o = t % bs;
    *count = std::min<int64_t>({16, bs - o, task.position + 1 - t});
    *mask = simd::first_n(*count);
    *kt = base + ((int64_t(task.blocks[t / bs]) * kvh + g) * hd) * bs + o * 2;
  };
  const uint16_t* kt[kChunks];
  const uint16_t* next[kChunks];
  __mmask16 masks[kChunks];
  float* out[kChunks];
  for (int64_t t = lo; t <= task.position;) {
    int n = 0;
    for (; n < kChunks && t <= task.position; ++n) {
      int64_t count;
      chunk_at(t, &kt[n], &masks[n], &count);
      out[n] = scores + (t - lo);
      t += count;
    }
    int nexts = 0;
    for (int64_t u = t; nexts < kChunks && u <= task.position; ++nexts) {
      int64_t count;
      __mmask16 unused;
      chunk_at(u, &next[nexts], &unused, &count);
      u += count;
    }
    switch (n) {
      case 1: score_chunks<HN, 1>(qp, pairs, bs, kt, masks, next, nexts, out, stride); break;
      case 2: score_chunks<HN, 2>(qp, pairs, bs, kt, masks, next, nexts, out, stride); break;
      case 3: score_chunks<HN, 3>(qp, pairs, bs, kt, masks, next, nexts, out, stride); break;
      default: score_chunks<HN, 4>(qp, pairs, bs, kt, masks, next, nexts, out, stride); break;
    }
  }
}

template <typename T, int HN>
void scores_simd(const float* qs, const uint32_t* qp, int64_t hd, const Task& task, int64_t lo,
                 int64_t g, const AttentionShape& s, const T* keys, float* scores, int64_t stride) {
  if constexpr (std::is_same_v<T, float>)
    scores_f32<HN>(qs, hd, task, lo, g, s, keys, scores, stride);
  else
    scores_bf16<HN>(qp, hd, task, lo, g, s, keys, scores, stride);
}

// out[j] (HN heads, dims d0 .. d0 + 16 DV) = sum_t p[j][t] v_t, divided by the softmax sums.
// Values come two positions at a time ([.., pair, head_dim, 2]); a position outside lo..position
// gets weight 0 (its slot holds a real value or the zero written with its pair's first half).
template <int HN, int DV>
RG_AVX512 void values_f32(const float* probs, int64_t stride, const float* inverse, int64_t d0,
                          int64_t hd, const Task& task, int64_t lo, int64_t g,
                          const AttentionShape& s, const float* values, float* out) {
  const int64_t bs = s.block_size, kvh = s.kv_heads, pairs = (bs + 1) / 2;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  __mmask16 low[DV], high[DV], keep[DV];
  for (int v = 0; v < DV; ++v) {
    const int64_t dims = hd - d0 - 16 * v;
    keep[v] = simd::first_n(dims);
    low[v] = simd::first_n(2 * dims);
    high[v] = simd::first_n(2 * dims - 16);
  }
  __m512 acc[HN][DV];
  for (int j = 0; j < HN; ++j)
    for (int v = 0; v < DV; ++v) acc[j][v] = _mm512_setzero_ps();
  for (int64_t start = lo - lo % bs; start <= task.position; start += bs) {
    const float* block = values + (int64_t(task.blocks[start / bs]) * kvh + g) * pairs * hd * 2;
    const int64_t from = std::max(lo, start) - start, to = std::min(task.position, start + bs - 1) - start;
    for (int64_t pair = from / 2; pair <= to / 2; ++pair) {
      const int64_t t0 = start + 2 * pair;
      const float* vr = block + pair * hd * 2 + d0 * 2;
      const float* w = probs + (t0 - lo + 1);  // padded: position lo - 1 and position + 1 weigh 0
      for (int v = 0; v < DV; ++v) {
        const __m512 a = _mm512_maskz_loadu_ps(low[v], vr + 32 * v), b = _mm512_maskz_loadu_ps(high[v], vr + 32 * v + 16);
        const __m512 v0 = _mm512_permutex2var_ps(a, even, b), v1 = _mm512_permutex2var_ps(a, odd, b);
        for (int j = 0; j < HN; ++j) {
          acc[j][v] = _mm512_fmadd_ps(_mm512_set1_ps(w[j * stride]), v0, acc[j][v]);
          acc[j][v] = _mm512_fmadd_ps(_mm512_set1_ps(w[j * stride + 1]), v1, acc[j][v]);
        }
      }
    }
  }
  for (int j = 0; j < HN; ++j)
    for (int v = 0; v < DV; ++v)
      _mm512_mask_storeu_ps(out + j * hd + d0 + 16 * v, keep[v], _mm512_mul_ps(acc[j][v], _mm512_set1_ps(inverse[j])));
}

constexpr int64_t kValuePrefetchBlocks = 4;

// bfloat16 values: one vdpbf16ps per head and 16 dimensions covers two positions, the two
// weights rounded to bfloat16 (as the values themselves are).
template <int HN, int DV>
RG_AVX512_BF16 void values_bf16(const uint16_t* weights, int64_t stride, const float* inverse, int64_t d0,
                                int64_t hd, const Task& task, int64_t lo, int64_t g,
                                const AttentionShape& s, const c10::BFloat16* values, float* out) {
  const int64_t bs = s.block_size, kvh = s.kv_heads, pairs = (bs + 1) / 2;
  __mmask16 keep[DV];
  for (int v = 0; v < DV; ++v) keep[v] = simd::first_n(hd - d0 - 16 * v);
  __m512 acc[HN][DV];
  for (int j = 0; j < HN; ++j)
    for (int v = 0; v < DV; ++v) acc[j][v] = _mm512_setzero_ps();
  const uint16_t* base = reinterpret_cast<const uint16_t*>(values);
  const int64_t ahead = kValuePrefetchBlocks * bs;
  for (int64_t start = lo - lo % bs; start <= task.position; start += bs) {
    const uint16_t* block = base + (int64_t(task.blocks[start / bs]) * kvh + g) * pairs * hd * 2;
    // The block kValuePrefetchBlocks ahead is fetched as this one is summed: blocks are scattered,
    // so the hardware prefetcher cannot guess them.
    const uint16_t* later = start + ahead <= task.position
                                ? base + (int64_t(task.blocks[(start + ahead) / bs]) * kvh + g) * pairs * hd * 2
                                : nullptr;
    const int64_t from = std::max(lo, start) - start, to = std::min(task.position, start + bs - 1) - start;
    for (int64_t pair = from / 2; pair <= to / 2; ++pair) {
      const int64_t t0 = start + 2 * pair;
      const uint16_t* vr = block + pair * hd * 2 + d0 * 2;
      if (later)
        for (int v = 0; v < DV; ++v)
          _mm_prefetch(reinterpret_cast<const char*>(later + pair * hd * 2 + d0 * 2 + 32 * v), _MM_HINT_T0);
      __m512i w[HN];
      for (int j = 0; j < HN; ++j) {  // the two positions' weights, adjacent bfloat16s
        uint32_t both;
        __builtin_memcpy(&both, weights + j * stride + (t0 - lo + 1), sizeof both);
        w[j] = _mm512_set1_epi32(static_cast<int>(both));
      }
      for (int v = 0; v < DV; ++v) {
        const __m512bh vv = (__m512bh)_mm512_maskz_loadu_epi32(keep[v], vr + 32 * v);
        for (int j = 0; j < HN; ++j) acc[j][v] = _mm512_dpbf16_ps(acc[j][v], (__m512bh)w[j], vv);
      }
    }
  }
  for (int j = 0; j < HN; ++j)
    for (int v = 0; v < DV; ++v)
      _mm512_mask_storeu_ps(out + j * hd + d0 + 16 * v, keep[v], _mm512_mul_ps(acc[j][v], _mm512_set1_ps(inverse[j])));
}

// probs: [heads][stride] float32 weights with a zero before and after each head's run (so
// position lo - 1 and position + 1, which a pair may touch, weigh nothing); for bfloat16 values
// the same run rounded to bfloat16 follows at `weights`.
template <typename T, int HN, int DV>
void values_simd(const float* probs, const uint16_t* weights, int64_t stride, const float* inverse,
                 int64_t d0, int64_t hd, const Task& task, int64_t lo, int64_t g,
                 const AttentionShape& s, const T* values, float* out) {
  if constexpr (std::is_same_v<T, float>)
    values_f32<HN, DV>(probs, stride, inverse, d0, hd, task, lo, g, s, values, out);
  else
    values_bf16<HN, DV>(weights, stride, inverse, d0, hd, task, lo, g, s, values, out);
}

// exp(x - max) in place over n scores; returns their sum.
RG_AVX512 float softmax_numerators(float* x, int64_t n) {
  __m512 top = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (int64_t i = 0; i < n; i += 16)
    top = _mm512_max_ps(top, _mm512_mask_loadu_ps(top, simd::first_n(n - i), x + i));
  const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(top));
  __m512 sum = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask = simd::first_n(n - i);
    const __m512 e = simd::exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, x + i), max));
    _mm512_mask_storeu_ps(x + i, mask, e);
    sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(mask, e));
  }
  return _mm512_reduce_add_ps(sum);
}

template <typename T, int HN>
void values_dispatch(int dv, const float* probs, const uint16_t* weights, int64_t stride,
                     const float* inverse, int64_t d0, int64_t hd, const Task& task, int64_t lo,
                     int64_t g, const AttentionShape& s, const T* values, float* out) {
  switch (dv) {
    case 1: return values_simd<T, HN, 1>(probs, weights, stride, inverse, d0, hd, task, lo, g, s, values, out);
    case 2: return values_simd<T, HN, 2>(probs, weights, stride, inverse, d0, hd, task, lo, g, s, values, out);
    case 3: return values_simd<T, HN, 3>(probs, weights, stride, inverse, d0, hd, task, lo, g, s, values, out);
    default: return values_simd<T, HN, 4>(probs, weights, stride, inverse, d0, hd, task, lo, g, s, values, out);
  }
}

template <typename T>
void attend_simd(const Task& task, int64_t g, const AttentionShape& s, const T* keys,
                 const T* values, float scale, std::vector<float>& buffer, float* out) {
  const int64_t hd = s.head_dim, group = s.heads / s.kv_heads;
  const int64_t lo = first_visible(s, task.position), length = task.position - lo + 1;
  // Per head a run of length + 2 scores: a zero, the scores of lo..position, a zero.
  const int64_t stride = length + 2;
  buffer.resize(group * hd + group * stride + group + group * hd / 2 + (group * stride + 1) / 2 + 1);
  float* qs = buffer.data();
  float* scores = qs + group * hd;
  float* inverse = scores + group * stride;
  uint32_t* qp = reinterpret_cast<uint32_t*>(inverse + group);  // bfloat16 pairs of qs
  uint16_t* weights = reinterpret_cast<uint16_t*>(qp + group * hd / 2);  // bfloat16 scores
  const float* q = task.q + g * group * hd;
  for (int64_t i = 0; i < group * hd; ++i) qs[i] = q[i] * scale;
  if constexpr (!std::is_same_v<T, float>)
    for (int64_t i = 0; i < group * hd / 2; ++i)
      qp[i] = uint32_t(c10::BFloat16(qs[2 * i]).x) | (uint32_t(c10::BFloat16(qs[2 * i + 1]).x) << 16);
  for (int64_t h0 = 0; h0 < group; h0 += 4) {
    const float* qh = qs + h0 * hd;
    const uint32_t* qph = qp + h0 * hd / 2;
    float* sh = scores + h0 * stride + 1;
    switch (std::min<int64_t>(4, group - h0)) {
      case 1: scores_simd<T, 1>(qh, qph, hd, task, lo, g, s, keys, sh, stride); break;
      case 2: scores_simd<T, 2>(qh, qph, hd, task, lo, g, s, keys, sh, stride); break;
      case 3: scores_simd<T, 3>(qh, qph, hd, task, lo, g, s, keys, sh, stride); break;
      default: scores_simd<T, 4>(qh, qph, hd, task, lo, g, s, keys, sh, stride); break;
    }
  }
  for (int64_t h = 0; h < group; ++h) {
    float* run = scores + h * stride;
    run[0] = run[length + 1] = 0.0f;
    inverse[h] = 1.0f / softmax_numerators(run + 1, length);
  }
  if constexpr (!std::is_same_v<T, float>)
    for (int64_t i = 0; i < group * stride; ++i) weights[i] = c10::BFloat16(scores[i]).x;
  for (int64_t h0 = 0; h0 < group; h0 += 4) {
    const int64_t hn = std::min<int64_t>(4, group - h0);
    for (int64_t d0 = 0; d0 < hd; d0 += 64) {
      const int dv = static_cast<int>(std::min<int64_t>(4, (hd - d0 + 15) / 16));
      const float* p = scores + h0 * stride;
      const uint16_t* w = weights + h0 * stride;
      float* o = out + (g * group + h0) * hd;
      switch (hn) {
        case 1: values_dispatch<T, 1>(dv, p, w, stride, inverse + h0, d0, hd, task, lo, g, s, values, o); break;
        case 2: values_dispatch<T, 2>(dv, p, w, stride, inverse + h0, d0, hd, task, lo, g, s, values, o); break;
        case 3: values_dispatch<T, 3>(dv, p, w, stride, inverse + h0, d0, hd, task, lo, g, s, values, o); break;
        default: values_dispatch<T, 4>(dv, p, w, stride, inverse + h0, d0, hd, task, lo, g, s, values, o); break;
      }
    }
  }
}

#endif  // REGENESIS_SIMD

template <typename T>
void attention_typed(const std::vector<Task>& tasks, const AttentionShape& s, const at::Tensor& keys,
                     const at::Tensor& values, void* out, at::ScalarType out_dtype) {
  const T* kp = reinterpret_cast<const T*>(keys.data_ptr());
  const T* vp = reinterpret_cast<const T*>(values.data_ptr());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(s.head_dim)));
  const int64_t group_count = static_cast<int64_t>(tasks.size()) * s.kv_heads;
  const int64_t width = s.heads * s.head_dim, group_width = (s.heads / s.kv_heads) * s.head_dim;
  // bfloat16 keys need AVX512_BF16 (vdpbf16ps), float32 keys AVX-512.
  const bool simd = kernels::simd_available(std::is_same_v<T, float> ? at::kFloat : at::kBFloat16);
  // Later tokens of a prefill see more keys: threads take every n-th unit, not a contiguous
  // range, so the work splits evenly.
  const int64_t threads = std::min<int64_t>(at::get_num_threads(), group_count);
  at::parallel_for(0, threads, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> buffer;
    std::vector<float> result(width);
    for (int64_t thread = begin; thread < end; ++thread) {
      for (int64_t unit = thread; unit < group_count; unit += threads) {
        const Task& task = tasks[unit / s.kv_heads];
        const int64_t g = unit % s.kv_heads;
#if REGENESIS_SIMD
        if (simd)
          attend_simd<T>(task, g, s, kp, vp, scale, buffer, result.data());
        else
#endif
          attend_generic<T>(task, g, s, kp, vp, scale, buffer, result.data());
        const int64_t offset = task.token * width + g * group_width;
        if (out_dtype == at::kFloat)
          std::copy_n(result.data() + g * group_width, group_width, static_cast<float*>(out) + offset);
        else
          kernels::store_as(result.data() + g * group_width, group_width,
                            static_cast<c10::BFloat16*>(out) + offset, out_dtype);
      }
    }
  });
}

}  // namespace

void paged_attention(const float* q, const AttentionRow* rows, int64_t num_rows,
                     const AttentionShape& shape, const at::Tensor& keys, const at::Tensor& values,
                     void* out, at::ScalarType out_dtype) {
  std::vector<Task> tasks;
  const int64_t width = shape.heads * shape.head_dim;
  for (int64_t r = 0; r < num_rows; ++r)
    for (int64_t j = 0; j < rows[r].count; ++j) {
      const int64_t token = rows[r].first_token + j;
      tasks.push_back({q + token * width, rows[r].start + j, rows[r].blocks, token});
    }
  if (keys.scalar_type() == at::kFloat)
    attention_typed<float>(tasks, shape, keys, values, out, out_dtype);
  else
    attention_typed<c10::BFloat16>(tasks, shape, keys, values, out, out_dtype);
}

}  // namespace regenesis
