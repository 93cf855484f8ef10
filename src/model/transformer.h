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
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "model/config.h"
#include "model/kv_cache.h"
#include "model/lora.h"
#include "model/packed_weight_cache.h"
#include "model/rope.h"

namespace regenesis {

struct LayerWeights {
  at::Tensor input_norm, q_proj, k_proj, v_proj, o_proj;  // projections are [out, in]
  at::Tensor q_bias, k_bias, v_bias;  // undefined unless attention_bias
  at::Tensor o_bias;                  // llama/mistral with attention_bias only (not qwen2)
  at::Tensor post_attention_norm, gate_proj, up_proj, down_proj;
  LayerLora lora;  // optional adapters on the seven projections (model/lora.h)
};

// Rows of forward_train: positions and segments make a row hold several packed sequences.
struct TrainingBatch {
  at::Tensor tokens;     // [B, T] int64
  at::Tensor positions;  // [B, T] int64 RoPE positions; undefined: 0..T-1 in every row
  at::Tensor segments;   // [B, T] int64; a token sees only earlier tokens of its own segment;
                         // undefined: one sequence per row
};

// One sequence's part of Transformer::forward_cached: `count` new tokens at positions
// start .. start + count - 1, whose keys and values go into the cache blocks its table names.
struct CachedRow {
  int64_t start = 0;                // positions already in its blocks (attended to, not recomputed)
  int64_t count = 0;                // new tokens, >= 1, consecutive in CachedBatch::tokens
  std::span<const int32_t> blocks;  // block of position p: blocks[p / block_size]; must cover
                                    // positions 0 .. start + count - 1
  enum class Logits { None, Last, All } logits = Logits::Last;  // which new tokens get logits
};

// A ragged batch: rows of any lengths, no padding (prefill chunks and decode steps together).
struct CachedBatch {
  std::vector<int64_t> tokens;  // every row's new tokens, row after row
  std::vector<CachedRow> rows;
};

// What the layers of forward_train share: RoPE tables and, for packed rows, the attention mask.
struct LayerContext {
  at::Tensor cos, sin;  // [B or 1, 1, T, head_dim]
  at::Tensor hidden;    // [B, 1, 1, T, T] bool, true = not visible; undefined: plain causal
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

  // Incremental forward over a cache in the slot view (kv_cache.h: one block of max_seq_len
  // positions per sequence). tokens [B,T] int64 (rows right-padded), slots [B] int64
  // (cache slot per row), start [B] int64 (positions already cached in that slot = position of the
  // row's first token), lengths [B] int64 (valid tokens per row, >=1). Writes the K/V of the valid
  // tokens into the cache. Returns float32 logits: [B, vocab] for each row's last valid token when
  // last_only, else [B, T, vocab] (padding positions hold unspecified values; their token ids
  // may be anything). Rows are independent: each attends over its own slot, read in place.
  // Error for a slot, length or position outside the cache, or a cache of another model/dtype.
  // Runs without autograd; float32 and bfloat16 models (forward_cached below).
  at::Tensor forward(const at::Tensor& tokens, const at::Tensor& slots, const at::Tensor& start,
                     const at::Tensor& lengths, KVCache& cache, bool last_only = true);

  // The inference forward behind forward() and the engine (transformer_cached.cpp):
  // float32 or bfloat16 models, hand-written kernels where the CPU allows (model/cpu_kernels.h).
  // Writes the new tokens' K/V into their blocks and returns float32 logits
  // [rows' logits in row order (0, 1 or count per row), vocab]. A token's logits depend only on
  // its own sequence (not on the other rows), and with the SIMD kernels they are bit-identical
  // however the sequence was split into forwards (prefix reuse, forks, batching).
  // Error for a token outside the vocabulary or a row whose blocks do not cover its positions.
  at::Tensor forward_cached(const CachedBatch& batch, KVCache& cache);

  // Full causal forward without cache (training/eval/tests), autograd-capable: [B,T] -> [B,T,V]
  // float32.
  at::Tensor forward_full(const at::Tensor& tokens);

  // HF names, e.g. model.layers.0.self_attn.q_proj.weight; the tensors are the live weights
  // (shared storage), so set requires_grad / update in place through them. With tied embeddings
  // there is no lm_head.weight entry.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters();

  // ---- training (transformer_train.cpp) ----
  // forward_full with packed rows: logits [B, T, V] (float32; float64 for a float64 model).
  // Without positions/segments it computes exactly what forward_full does.
  at::Tensor forward_train(const TrainingBatch& batch);
  // The pieces of forward_train, for callers that drive the layers themselves (activation
  // checkpointing: run the layers without autograd, keep each layer's input, then recompute one
  // layer at a time with autograd during backward).
  LayerContext layer_context(const TrainingBatch& batch) const;
  at::Tensor embed_input(const at::Tensor& tokens) const;  // [B, T] -> residual stream [B, T, H]
  at::Tensor run_layer(int64_t index, const at::Tensor& hidden, const LayerContext& context) const;
  at::Tensor output_logits(const at::Tensor& hidden) const;  // final norm + lm_head, [..., H] -> [..., V]

  // ---- LoRA (lora_transformer.cpp; PEFT layout in model/lora_settings.h) ----
  // The base model in `dir` with the PEFT adapter in `adapter_dir` applied (unmerged).
  static Transformer load(const std::filesystem::path& dir, at::ScalarType dtype,
                          const std::filesystem::path& adapter_dir);
  // Fresh adapters with PEFT's init (A kaiming-uniform, B zero) on every layer's target modules,
  // in the model dtype (train in float32). Error when the model already has adapters.
  void add_lora(const LoraSettings& settings, uint64_t seed);
  // Reads adapter_config.json + adapter_model.safetensors (keys with or without PEFT's ".default"
  // adapter name); tensors converted to the model dtype. Errors name the file and tensor.
  void load_lora(const std::filesystem::path& adapter_dir);
  bool has_lora() const { return lora_settings_.has_value(); }
  const LoraSettings& lora_settings() const;  // Error without adapters
  // PEFT key -> live adapter tensor (lora_A then lora_B, layer by layer, module order).
  std::vector<std::pair<std::string, at::Tensor>> lora_parameters();
  // Writes adapter_config.json + adapter_model.safetensors (float32) into dir, atomically each.
  void save_lora(const std::filesystem::path& dir, const std::string& base_model_name_or_path);
  // Dropout on (training) or off; masks are seeded with `seed` (model/lora.h).
  void set_lora_training(bool training, uint64_t seed = 0);
  // W += scale * B @ A (in at least float32, then rounded to the model dtype); adapters removed.
  void merge_lora();

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
  // cos/sin of positions 0..P-1 [P, head_dim] float32 for forward_cached, grown on demand.
  at::Tensor rope_cos_table_, rope_sin_table_;
  void ensure_rope_table(int64_t positions);
  at::Tensor embed_tokens_, final_norm_, lm_head_;  // lm_head_ is embed_tokens_ when tied
  std::vector<LayerWeights> layers_;
  std::optional<LoraSettings> lora_settings_;
  std::shared_ptr<LoraDropoutState> lora_dropout_;
  // Packed bf16 weights for forward_cached's kernels (empty for float32 models).
  kernels::PackedWeightCache packed_weights_;
};

}  // namespace regenesis
