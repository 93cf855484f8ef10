#pragma once
// Attention of new tokens over a paged KV cache (model/kv_cache.h), read in place: each row's
// keys and values live in the cache blocks its block table names, and grouped-query heads read
// their shared KV head directly (never expanded or copied). Internal to the model module.
#include <cstdint>

#include <ATen/ATen.h>

namespace regenesis {

struct AttentionRow {
  int64_t start = 0;               // positions cached before this forward
  int64_t count = 0;               // new tokens, at positions start .. start + count - 1
  int64_t first_token = 0;         // index of the row's first new token in the flat arrays
  const int32_t* blocks = nullptr; // block of position p: blocks[p / block_size]
};

struct AttentionShape {
  int64_t heads = 0, kv_heads = 0, head_dim = 0, block_size = 0;
  int64_t window = 0;  // sliding window (a key is visible when query - key < window); 0: none
};

// Stores the new tokens' keys and values k, v [tokens, kv_heads * head_dim] (float32) into the
// cache tensors of one layer (layouts in model/kv_cache.h), rounded to the cache dtype.
// (paged_kv_write.cpp)
void write_kv(const float* k, const float* v, const AttentionRow* rows, int64_t num_rows,
              const AttentionShape& shape, at::Tensor& keys, at::Tensor& values);

// Causal attention of every new token's queries q [tokens, heads * head_dim] (float32, RoPE
// applied) over its row's cached keys (its own included), softmax in float32; writes
// out [tokens, heads * head_dim] as out_dtype (float32 or bfloat16).
void paged_attention(const float* q, const AttentionRow* rows, int64_t num_rows,
                     const AttentionShape& shape, const at::Tensor& keys, const at::Tensor& values,
                     void* out, at::ScalarType out_dtype);

}  // namespace regenesis
