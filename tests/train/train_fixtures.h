#pragma once
// Shared pieces of the train tests: small random models (in memory and on disk, with the `model
// init` tokenizer and ChatML template), SFT files, and tensor helpers.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/config.h"
#include "model/init_model.h"
#include "model/tensor_io.h"
#include "model/transformer.h"

namespace regenesis::test {

// A very small llama (GQA 4/2) for gradient checks: every dimension tiny.
inline ModelConfig micro_config(int64_t vocab = 32) {
  ModelConfig c;
  c.architecture = "LlamaForCausalLM";
  c.model_type = "llama";
  c.vocab_size = vocab;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 4;
  c.max_position_embeddings = 256;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.bos_token_id = 0;
  c.eos_token_ids = {2};
  c.torch_dtype = "float32";
  return c;
}

// Random weights under HF names (float32, seeded). head_scale sets the lm_head's entries' std in
// units of 1/sqrt(hidden): larger lets a frozen head reach confident logits (LoRA overfitting).
inline std::map<std::string, at::Tensor> random_weights(const ModelConfig& c, uint64_t seed,
                                                        double head_scale = 1.0) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto randn = [&](std::vector<int64_t> shape, double scale) {
    return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
  };
  const int64_t h = c.hidden_size, q = c.num_attention_heads * c.head_dim,
                kv = c.num_key_value_heads * c.head_dim, inter = c.intermediate_size;
  const double in_h = 1.0 / std::sqrt(double(h));
  std::map<std::string, at::Tensor> w;
  w["model.embed_tokens.weight"] = randn({c.vocab_size, h}, 1.0);
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    w[p + "input_layernorm.weight"] = 1 + randn({h}, 0.1);
    w[p + "post_attention_layernorm.weight"] = 1 + randn({h}, 0.1);
    w[p + "self_attn.q_proj.weight"] = randn({q, h}, in_h);
    w[p + "self_attn.k_proj.weight"] = randn({kv, h}, in_h);
    w[p + "self_attn.v_proj.weight"] = randn({kv, h}, in_h);
    w[p + "self_attn.o_proj.weight"] = randn({h, q}, 1.0 / std::sqrt(double(q)));
    if (c.attention_bias) {
      w[p + "self_attn.q_proj.bias"] = randn({q}, 0.3);
      w[p + "self_attn.k_proj.bias"] = randn({kv}, 0.3);
      w[p + "self_attn.v_proj.bias"] = randn({kv}, 0.3);
    }
    w[p + "mlp.gate_proj.weight"] = randn({inter, h}, in_h);
    w[p + "mlp.up_proj.weight"] = randn({inter, h}, in_h);
    w[p + "mlp.down_proj.weight"] = randn({h, inter}, 1.0 / std::sqrt(double(inter)));
  }
  w["model.norm.weight"] = 1 + randn({h}, 0.1);
  if (!c.tie_word_embeddings) w["lm_head.weight"] = randn({c.vocab_size, h}, head_scale * in_h);
  return w;
}

inline void write_weights(const std::filesystem::path& dir, const ModelConfig& config,
                          const std::map<std::string, at::Tensor>& weights) {
  std::filesystem::create_directories(dir);
  config.save(dir);
  std::vector<std::pair<std::string, at::Tensor>> list(weights.begin(), weights.end());
  save_safetensors(dir / "model.safetensors", list);
}

// `model init --preset tiny` (tokenizer with ChatML, vocab 1024), optionally with its weights
// replaced by random_weights of the same shape (larger init: learns in few steps).
inline void write_tiny_model(const std::filesystem::path& dir, double head_scale = 0) {
  InitOptions options;
  options.preset = "tiny";
  options.arch = "llama";
  init_model_dir(dir, options);
  if (head_scale > 0) {
    const ModelConfig config = ModelConfig::load(dir);
    write_weights(dir, config, random_weights(config, 1234, head_scale));
  }
}

inline void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

inline std::string chat_line(const std::string& user, const std::string& assistant) {
  nlohmann::json line = {{"messages", {{{"role", "user"}, {"content", user}}, {{"role", "assistant"}, {"content", assistant}}}},
                         {"meta", {{"id", "x"}}}};
  return line.dump();
}

// 16 short question/answer pairs, distinct enough to be told apart after a few tokens.
inline std::vector<std::pair<std::string, std::string>> overfit_pairs() {
  std::vector<std::pair<std::string, std::string>> pairs;
  const char* names[] = {"red", "blue", "green", "gold", "gray", "pink", "teal", "navy",
                         "lime", "plum", "rust", "sand", "snow", "jade", "ruby", "mint"};
  for (int i = 0; i < 16; ++i)
    pairs.emplace_back("Color " + std::to_string(i) + "?", std::string("It is ") + names[i] + ".");
  return pairs;
}

inline at::Tensor long_tensor(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::TensorOptions().dtype(at::kLong));
}

}  // namespace regenesis::test
