#pragma once
// The Llama-family decoder (llama incl. llama3 rope scaling, mistral with its sliding window,
// qwen2 q/k/v bias), written with ATen ops only: RMSNorm, rotate-half RoPE, grouped-query attention
// that never expands the KV heads, SwiGLU MLP, tied or untied embeddings.
// A bfloat16 model keeps bfloat16 weights, matmul inputs and KV cache, but its residual stream,
// norms and softmax are float32 (closer to the float reference at the same weight bandwidth).
// Nothing global is touched (threads, grad mode outside forward's own scope).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "model/config.h"
#include "model/kv_cache.h"
#include "model/rope.h"

namespace regenesis {

struct LayerWeights {
  at::Tensor input_norm, q_proj, k_proj, v_proj, o_proj;  // projections are [out, in]
  at::Tensor q_bias, k_bias, v_bias;  // undefined unless attention_bias
  at::Tensor o_bias;                  // llama/mistral with attention_bias only (not qwen2)
  at::Tensor post_attention_norm, gate_proj, up_proj, down_proj;
};

class Transformer {
 public:
  // dir with config.json + safetensors; weights converted to dtype (at::kFloat or at::kBFloat16;
  // at::kDouble also works, for gradient checks, and then logits are float64 too).
  // Errors name the file and tensor for a missing tensor or a shape that disagrees with config.
  static Transformer load(const std::filesystem::path& dir, at::ScalarType dtype = at::kFloat);
  // From tensors already in memory, keyed by HF names (tests, model init). A tensor already of
  // `dtype` is used as is (shared storage), others are converted.
  static Transformer from_tensors(const ModelConfig& config,
                                  const std::map<std::string, at::Tensor>& tensors,
                                  at::ScalarType dtype, const std::string& source = "tensors");

  const ModelConfig& config() const { return config_; }
  at::ScalarType dtype() const { return dtype_; }

  // Incremental forward over the cache. tokens [B,T] int64 (rows right-padded), slots [B] int64
  // (cache slot per row), start [B] int64 (positions already cached in that slot = position of the
  // row's first token), lengths [B] int64 (valid tokens per row, >=1). Writes the K/V of the valid
  // tokens into the cache. Returns float32 logits: [B, vocab] for each row's last valid token when
  // last_only, else [B, T, vocab] (padding positions hold unspecified values; their token ids
  // may be anything). Rows are independent: each attends over its own slot, read in place.
  // Error for a slot, length or position outside the cache, or a cache of another model/dtype.
  // Runs without autograd.
  at::Tensor forward(const at::Tensor& tokens, const at::Tensor& slots, const at::Tensor& start,
                     const at::Tensor& lengths, KVCache& cache, bool last_only = true);

  // Full causal forward without cache (training/eval/tests), autograd-capable: [B,T] -> [B,T,V]
  // float32.
  at::Tensor forward_full(const at::Tensor& tokens);

  // HF names, e.g. model.layers.0.self_attn.q_proj.weight; the tensors are the live weights
  // (shared storage), so set requires_grad / update in place through them. With tied embeddings
  // there is no lm_head.weight entry.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters();

 private:
  // Produces the tensor NAME, already checked against SHAPE and converted to the model dtype.
  using TensorSource =
      std::function<at::Tensor(const std::string& name, const std::vector<int64_t>& shape)>;
  Transformer(ModelConfig config, at::ScalarType dtype, const TensorSource& source);

  at::Tensor embed(const at::Tensor& tokens) const;
  at::Tensor logits(const at::Tensor& hidden) const;  // final norm + lm_head, float32

  ModelConfig config_;
  at::ScalarType dtype_;
  Rope rope_;
  at::Tensor embed_tokens_, final_norm_, lm_head_;  // lm_head_ is embed_tokens_ when tied
  std::vector<LayerWeights> layers_;
};

}  // namespace regenesis
