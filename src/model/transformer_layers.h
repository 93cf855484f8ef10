#pragma once
// The building blocks of a decoder layer as plain functions over ATen tensors, shared by the
// cached and the full forward of Transformer.
#include <cstdint>
#include <optional>

#include <ATen/ATen.h>

#include "model/transformer.h"

namespace regenesis {

// x * rsqrt(mean(x^2) + eps) * weight, computed in at least float32 and returned in weight's
// dtype (the matmul input type: bfloat16 for a bfloat16 model, while the residual x is float32).
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// down(silu(gate(x)) * up(x)).
at::Tensor swiglu_mlp(const LayerWeights& layer, const at::Tensor& x);

struct QKV {
  at::Tensor q;     // [B, heads, T, head_dim]
  at::Tensor k, v;  // [B, kv_heads, T, head_dim]
};
// The q/k/v projections (with biases when present) of x [B, T, hidden], split into heads.
QKV project_qkv(const LayerWeights& layer, const at::Tensor& x, const ModelConfig& config);

// Causal attention of queries q [..., heads, T, hd] at positions first_position.. over keys and
// values k, v [..., kv_heads, L, hd] at positions 0..L-1. Each group of heads/kv_heads query heads
// shares one KV head: q is viewed as [..., kv_heads, group*T, hd] and multiplied with K^T, so the
// KV heads are never repeated or copied. A key is visible when its position is <= the query's
// (and, with a sliding window, > query - window). Softmax runs in at least float32. -> [..., heads, T, hd]
at::Tensor grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             int64_t first_position, std::optional<int64_t> sliding_window);

}  // namespace regenesis
