// Building a Transformer from named tensors (a safetensors dir or an in-memory map), and listing
// its parameters under the Hugging Face names.
#include <sstream>

#include "model/safetensors.h"
#include "model/tensor_io.h"
#include "model/transformer.h"
#include "util/error.h"

namespace regenesis {

namespace {
std::string layer_prefix(int64_t index) { return "model.layers." + std::to_string(index) + "."; }
}  // namespace

Transformer::Transformer(ModelConfig config, at::ScalarType dtype, const TensorSource& source)
    : config_(std::move(config)), dtype_(dtype), rope_(config_) {
  if (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kDouble)
    fail("model dtype must be float32 or bfloat16, got ", at::toString(dtype));
  const ModelConfig& c = config_;
  const int64_t hidden = c.hidden_size, q_dim = c.num_attention_heads * c.head_dim,
                kv_dim = c.num_key_value_heads * c.head_dim;
  embed_tokens_ = source("model.embed_tokens.weight", {c.vocab_size, hidden});
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = layer_prefix(i);
    LayerWeights layer;
    layer.input_norm = source(p + "input_layernorm.weight", {hidden});
    layer.q_proj = source(p + "self_attn.q_proj.weight", {q_dim, hidden});
    layer.k_proj = source(p + "self_attn.k_proj.weight", {kv_dim, hidden});
    layer.v_proj = source(p + "self_attn.v_proj.weight", {kv_dim, hidden});
    layer.o_proj = source(p + "self_attn.o_proj.weight", {hidden, q_dim});
    if (c.attention_bias) {
      layer.q_bias = source(p + "self_attn.q_proj.bias", {q_dim});
      layer.k_bias = source(p + "self_attn.k_proj.bias", {kv_dim});
      layer.v_bias = source(p + "self_attn.v_proj.bias", {kv_dim});
      if (c.model_type != "qwen2") layer.o_bias = source(p + "self_attn.o_proj.bias", {hidden});
    }
    layer.post_attention_norm = source(p + "post_attention_layernorm.weight", {hidden});
    layer.gate_proj = source(p + "mlp.gate_proj.weight", {c.intermediate_size, hidden});
    layer.up_proj = source(p + "mlp.up_proj.weight", {c.intermediate_size, hidden});
    layer.down_proj = source(p + "mlp.down_proj.weight", {hidden, c.intermediate_size});
    layers_.push_back(std::move(layer));
  }
  final_norm_ = source("model.norm.weight", {hidden});
  lm_head_ = c.tie_word_embeddings ? embed_tokens_ : source("lm_head.weight", {c.vocab_size, hidden});
}

Transformer Transformer::load(const std::filesystem::path& dir, at::ScalarType dtype) {
  ModelConfig config = ModelConfig::load(dir);
  SafetensorsModel weights = SafetensorsModel::open_dir(dir);
  return Transformer(std::move(config), dtype,
                     [&](const std::string& name, const std::vector<int64_t>& shape) {
                       return load_tensor(weights, name, dtype, shape);
                     });
}

Transformer Transformer::from_tensors(const ModelConfig& config,
                                      const std::map<std::string, at::Tensor>& tensors,
                                      at::ScalarType dtype, const std::string& source) {
  return Transformer(config, dtype, [&](const std::string& name, const std::vector<int64_t>& shape) {
    auto it = tensors.find(name);
    if (it == tensors.end()) fail(source, ": tensor '", name, "' not found");
    if (it->second.sizes().vec() != shape) {
      std::ostringstream got, want;
      got << it->second.sizes();
      want << at::IntArrayRef(shape);
      fail(source, ": tensor '", name, "' has shape ", got.str(), ", expected ", want.str());
    }
    return it->second.to(dtype).contiguous();
  });
}

std::vector<std::pair<std::string, at::Tensor>> Transformer::named_parameters() {
  std::vector<std::pair<std::string, at::Tensor>> out;
  out.emplace_back("model.embed_tokens.weight", embed_tokens_);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const std::string p = layer_prefix(static_cast<int64_t>(i));
    const LayerWeights& layer = layers_[i];
    out.emplace_back(p + "input_layernorm.weight", layer.input_norm);
    out.emplace_back(p + "self_attn.q_proj.weight", layer.q_proj);
    if (layer.q_bias.defined()) out.emplace_back(p + "self_attn.q_proj.bias", layer.q_bias);
    out.emplace_back(p + "self_attn.k_proj.weight", layer.k_proj);
    if (layer.k_bias.defined()) out.emplace_back(p + "self_attn.k_proj.bias", layer.k_bias);
    out.emplace_back(p + "self_attn.v_proj.weight", layer.v_proj);
    if (layer.v_bias.defined()) out.emplace_back(p + "self_attn.v_proj.bias", layer.v_bias);
    out.emplace_back(p + "self_attn.o_proj.weight", layer.o_proj);
    if (layer.o_bias.defined()) out.emplace_back(p + "self_attn.o_proj.bias", layer.o_bias);
    out.emplace_back(p + "post_attention_layernorm.weight", layer.post_attention_norm);
    out.emplace_back(p + "mlp.gate_proj.weight", layer.gate_proj);
    out.emplace_back(p + "mlp.up_proj.weight", layer.up_proj);
    out.emplace_back(p + "mlp.down_proj.weight", layer.down_proj);
  }
  out.emplace_back("model.norm.weight", final_norm_);
  if (!config_.tie_word_embeddings) out.emplace_back("lm_head.weight", lm_head_);
  return out;
}

}  // namespace regenesis
