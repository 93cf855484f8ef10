// The full causal forward (training, eval, reference); the cached one is transformer_cached.cpp.
#include "model/transformer.h"

#include "model/transformer_layers.h"
#include "util/error.h"

namespace regenesis {

at::Tensor Transformer::embed(const at::Tensor& tokens) const {
  // The residual stream stays in float32 even for a bfloat16 model: the weights and the matmul
  // inputs are bfloat16, but the sums of many layers' updates are not rounded to 8 bits.
  return at::embedding(embed_tokens_, tokens).to(at::promote_types(dtype_, at::kFloat));
}

at::Tensor Transformer::logits(const at::Tensor& hidden) const {
  // float32 for float32/bfloat16 models; a float64 model (gradient checks) keeps float64.
  const auto out_type = dtype_ == at::kDouble ? at::kDouble : at::kFloat;
  return at::linear(rms_norm(hidden, final_norm_, config_.rms_norm_eps), lm_head_).to(out_type);
}

at::Tensor Transformer::forward_full(const at::Tensor& tokens) {
  if (tokens.dim() != 2) fail("forward_full: tokens must be [batch, length], got ", tokens.sizes());
  const int64_t batch = tokens.size(0), length = tokens.size(1);
  const double eps = config_.rms_norm_eps;
  auto [cos, sin] = rope_.cos_sin(at::arange(length, at::TensorOptions().dtype(at::kLong)), dtype_);

  at::Tensor h = embed(tokens);  // [B, T, hidden]
  for (const LayerWeights& layer : layers_) {
    QKV qkv = project_qkv(layer, rms_norm(h, layer.input_norm, eps), config_);
    at::Tensor attn = grouped_attention(apply_rope(qkv.q, cos, sin), apply_rope(qkv.k, cos, sin),
                                        qkv.v, 0, config_.sliding_window);
    attn = attn.transpose(1, 2).reshape({batch, length, -1});
    h = h + lora_linear(attn, layer.o_proj, layer.o_bias, layer.lora[kLoraO]);
    h = h + swiglu_mlp(layer, rms_norm(h, layer.post_attention_norm, eps));
  }
  return logits(h);
}

// forward() and forward_cached(), the cached inference path, are in transformer_cached.cpp.

}  // namespace regenesis
