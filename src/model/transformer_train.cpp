// The training forward: forward_full split into steps (so a trainer can recompute layers for
// activation checkpointing), with optional packed rows (several sequences per row, each with its
// own positions and attention confined to its segment).
#include <cmath>
#include <limits>

#include "model/transformer.h"
#include "model/transformer_layers.h"
#include "util/error.h"

namespace regenesis {

namespace {

void check_like_tokens(const at::Tensor& t, const at::Tensor& tokens, const char* what) {
  if (t.defined() && t.sizes() != tokens.sizes())
    fail("forward_train: ", what, " must have the shape of tokens ", tokens.sizes(), ", got ", t.sizes());
}

// grouped_attention with an explicit mask `hidden` [B, 1, 1, T, T] (true = not visible) instead of
// the causal rule: q [B, heads, T, hd], k/v [B, kv_heads, T, hd]. The KV heads are shared by
// their query groups without copies, as in grouped_attention.
at::Tensor masked_grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                    const at::Tensor& hidden) {
  const int64_t batch = q.size(0), heads = q.size(1), length = q.size(2), hd = q.size(3);
  const int64_t kv_heads = k.size(1), group = heads / kv_heads;
  at::Tensor scores = at::matmul(q.reshape({batch, kv_heads, group * length, hd}), k.transpose(-1, -2)) *
                      (1.0 / std::sqrt(double(hd)));
  scores = scores.view({batch, kv_heads, group, length, length})
               .masked_fill(hidden, -std::numeric_limits<double>::infinity())
               .view({batch, kv_heads, group * length, length});
  const auto softmax_type = at::promote_types(scores.scalar_type(), at::kFloat);
  at::Tensor probs = at::softmax(scores, -1, softmax_type).to(q.scalar_type());
  return at::matmul(probs, v).view({batch, heads, length, hd});
}

}  // namespace

LayerContext Transformer::layer_context(const TrainingBatch& batch) const {
  const at::Tensor& tokens = batch.tokens;
  if (tokens.dim() != 2) fail("forward_train: tokens must be [batch, length], got ", tokens.sizes());
  check_like_tokens(batch.positions, tokens, "positions");
  check_like_tokens(batch.segments, tokens, "segments");
  const int64_t length = tokens.size(1);
  auto index = at::TensorOptions().dtype(at::kLong);
  LayerContext context;
  if (!batch.positions.defined()) {
    // The very tables forward_full uses, so an unpacked batch gives identical logits.
    std::tie(context.cos, context.sin) = rope_.cos_sin(at::arange(length, index), dtype_);
  } else {
    auto [cos, sin] = rope_.cos_sin(batch.positions.to(at::kLong), dtype_);  // [B, T, hd]
    context.cos = cos.unsqueeze(1);
    context.sin = sin.unsqueeze(1);
  }
  if (batch.segments.defined()) {
    at::Tensor query = at::arange(length, index).unsqueeze(1), key = at::arange(length, index).unsqueeze(0);
    at::Tensor segments = batch.segments.to(at::kLong);
    at::Tensor hidden = (key > query).unsqueeze(0) | (segments.unsqueeze(2) != segments.unsqueeze(1));
    if (config_.sliding_window) hidden = hidden | (key <= query - *config_.sliding_window).unsqueeze(0);
    context.hidden = hidden.unsqueeze(1).unsqueeze(1);  // [B, 1, 1, T, T]
  }
  return context;
}

at::Tensor Transformer::embed_input(const at::Tensor& tokens) const { return embed(tokens); }

at::Tensor Transformer::output_logits(const at::Tensor& hidden) const { return logits(hidden); }

at::Tensor Transformer::run_layer(int64_t index, const at::Tensor& hidden,
                                  const LayerContext& context) const {
  if (index < 0 || index >= static_cast<int64_t>(layers_.size()))
    fail("run_layer: layer ", index, " out of range (the model has ", layers_.size(), ")");
  const LayerWeights& layer = layers_[index];
  const int64_t batch = hidden.size(0), length = hidden.size(1);
  const double eps = config_.rms_norm_eps;
  QKV qkv = project_qkv(layer, rms_norm(hidden, layer.input_norm, eps), config_);
  at::Tensor q = apply_rope(qkv.q, context.cos, context.sin);
  at::Tensor k = apply_rope(qkv.k, context.cos, context.sin);
  at::Tensor attn = context.hidden.defined()
                        ? masked_grouped_attention(q, k, qkv.v, context.hidden)
                        : grouped_attention(q, k, qkv.v, 0, config_.sliding_window);
  attn = attn.transpose(1, 2).reshape({batch, length, -1});
  at::Tensor h = hidden + lora_linear(attn, layer.o_proj, layer.o_bias, layer.lora[kLoraO]);
  return h + swiglu_mlp(layer, rms_norm(h, layer.post_attention_norm, eps));
}

at::Tensor Transformer::forward_train(const TrainingBatch& batch) {
  const LayerContext context = layer_context(batch);
  at::Tensor h = embed_input(batch.tokens);
  for (int64_t l = 0; l < config_.num_hidden_layers; ++l) h = run_layer(l, h, context);
  return output_logits(h);
}

}  // namespace regenesis
