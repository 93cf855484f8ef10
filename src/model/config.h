#pragma once
// config.json of a Hugging Face Llama-family model (llama, mistral, qwen2). No torch here.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis {

struct RopeScaling {
  std::string type;  // "llama3" is the one that changes frequencies; others are rejected
  double factor = 1, low_freq_factor = 1, high_freq_factor = 4;
  int64_t original_max_position_embeddings = 8192;
};

struct ModelConfig {
  std::string architecture;  // LlamaForCausalLM | MistralForCausalLM | Qwen2ForCausalLM
  std::string model_type;    // llama | mistral | qwen2
  int64_t vocab_size = 0, hidden_size = 0, intermediate_size = 0, num_hidden_layers = 0,
          num_attention_heads = 0, num_key_value_heads = 0, head_dim = 0,
          max_position_embeddings = 0;
  double rms_norm_eps = 1e-6, rope_theta = 10000.0;
  std::optional<RopeScaling> rope_scaling;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v projections carry a bias (qwen2: true)
  std::optional<int64_t> sliding_window;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;
  std::string torch_dtype;  // as written ("float32", "bfloat16", ...); may be empty

  // Validates; errors are "SOURCE: field 'NAME' ..." (missing, wrong type, heads not dividing
  // hidden_size, unknown architecture, ...). Missing optional fields take the HF defaults.
  static ModelConfig from_json(const nlohmann::json& json, const std::string& source);
  static ModelConfig load(const std::filesystem::path& dir);  // dir/config.json
  nlohmann::ordered_json to_json() const;                      // HF-style config.json content
  void save(const std::filesystem::path& dir) const;           // dir/config.json, atomically

  int64_t kv_group_size() const { return num_attention_heads / num_key_value_heads; }
};

}  // namespace regenesis
