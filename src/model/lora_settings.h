#pragma once
// LoRA settings and the Hugging Face PEFT adapter format around them: adapter_config.json and the
// tensor names of adapter_model.safetensors. No torch here (the CLI and the train options use it).
//
// PEFT saves a LoRA adapter of a Llama-family causal LM (get_peft_model_state_dict, which drops
// the adapter name "default") under
//   base_model.model.model.layers.N.self_attn.{q,k,v,o}_proj.lora_{A,B}.weight
//   base_model.model.model.layers.N.mlp.{gate,up,down}_proj.lora_{A,B}.weight
// with lora_A [r, in] and lora_B [out, r].
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis {

// The seven projections of a Llama-family layer that LoRA may target, as PEFT names the modules,
// in a fixed order (the index of a name is its slot in LayerLora).
enum LoraModule : size_t { kLoraQ, kLoraK, kLoraV, kLoraO, kLoraGate, kLoraUp, kLoraDown };
inline constexpr size_t kLoraModuleCount = 7;
const std::vector<std::string>& lora_module_names();
// "self_attn.q_proj", "mlp.gate_proj", ...: the module's path inside a decoder layer.
std::string lora_module_path(size_t module);
// The index of a PEFT module name; an Error naming `source` and the valid names otherwise.
size_t lora_module_index(const std::string& name, const std::string& source);

struct LoraSettings {
  int64_t rank = 8;
  double alpha = 16;
  double dropout = 0;
  std::vector<std::string> target_modules = {"q_proj", "k_proj", "v_proj", "o_proj"};
  bool use_rslora = false;

  double scale() const;  // alpha / r, or alpha / sqrt(r) with rsLoRA
  // An Error "SOURCE: field 'NAME' ..." for a rank < 1, a dropout outside [0, 1), or no, unknown
  // or repeated target modules.
  void validate(const std::string& source) const;
};

// "base_model.model.model.layers.3.mlp.up_proj.lora_B.weight" (which: 'A' or 'B').
std::string peft_lora_key(int64_t layer, size_t module, char which);

inline constexpr const char* kAdapterConfigFile = "adapter_config.json";
inline constexpr const char* kAdapterWeightsFile = "adapter_model.safetensors";

// adapter_config.json as PEFT writes it for LoRA on a CAUSAL_LM model (keys sorted, the fields of
// current PEFT releases with their defaults; target_modules sorted, as PEFT stores a set).
nlohmann::ordered_json peft_adapter_config(const LoraSettings& settings,
                                           const std::string& base_model_name_or_path);

struct PeftAdapterInfo {
  LoraSettings settings;
  std::string base_model_name_or_path;  // as written ("" when absent or null)
};
// Reads dir/adapter_config.json. Errors name the file and field for anything this project cannot
// apply faithfully: another peft_type, DoRA, fan_in_fan_out, a bias mode other than "none",
// modules_to_save, per-layer rank/alpha patterns, layers_to_transform, a regex target_modules
// ("all-linear" is accepted: all seven projections).
PeftAdapterInfo read_peft_adapter_config(const std::filesystem::path& dir);

// A directory holding adapter_config.json (a PEFT adapter rather than a full model).
bool is_peft_adapter_dir(const std::filesystem::path& dir);

// A well-mixed 64-bit value of (seed, stream): seeds for per-adapter and per-step generators.
uint64_t mix_seed(uint64_t seed, uint64_t stream);

}  // namespace regenesis
