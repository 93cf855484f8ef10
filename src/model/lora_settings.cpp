#include "model/lora_settings.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {

const std::vector<std::string>& lora_module_names() {
  static const std::vector<std::string> names = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                 "gate_proj", "up_proj", "down_proj"};
  return names;
}

std::string lora_module_path(size_t module) {
  if (module >= kLoraModuleCount) fail("LoRA module index ", module, " out of range");
  return (module <= kLoraO ? "self_attn." : "mlp.") + lora_module_names()[module];
}

size_t lora_module_index(const std::string& name, const std::string& source) {
  const auto& names = lora_module_names();
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    fail(source, ": unknown LoRA target module '", name, "' (expected some of: ", join(names, ", "),
         ")");
  return static_cast<size_t>(it - names.begin());
}

double LoraSettings::scale() const {
  return use_rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
}

void LoraSettings::validate(const std::string& source) const {
  if (rank < 1) fail(source, ": field 'r' (LoRA rank) must be at least 1, got ", rank);
  if (!(dropout >= 0 && dropout < 1))
    fail(source, ": field 'lora_dropout' must be in [0, 1), got ", dropout);
  if (!std::isfinite(alpha)) fail(source, ": field 'lora_alpha' must be a finite number");
  if (target_modules.empty()) fail(source, ": field 'target_modules' names no module");
  std::vector<size_t> seen;
  for (const std::string& name : target_modules) {
    const size_t index = lora_module_index(name, source + ": field 'target_modules'");
    if (std::find(seen.begin(), seen.end(), index) != seen.end())
      fail(source, ": field 'target_modules' names '", name, "' twice");
    seen.push_back(index);
  }
}

uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  // splitmix64 over both words: nearby (seed, stream) pairs give unrelated generator seeds.
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL));
}

std::string peft_lora_key(int64_t layer, size_t module, char which) {
  if (which != 'A' && which != 'B') fail("peft_lora_key: which must be 'A' or 'B'");
  return "base_model.model.model.layers." + std::to_string(layer) + "." + lora_module_path(module) +
         ".lora_" + which + ".weight";
}

nlohmann::ordered_json peft_adapter_config(const LoraSettings& settings,
                                           const std::string& base_model_name_or_path) {
  std::vector<std::string> targets = settings.target_modules;
  std::sort(targets.begin(), targets.end());
  nlohmann::ordered_json alpha = settings.alpha;
  if (settings.alpha == std::floor(settings.alpha) && std::abs(settings.alpha) < 1e15)
    alpha = static_cast<int64_t>(settings.alpha);  // PEFT writes the int it was given
  const auto empty_object = nlohmann::ordered_json::object();
  // Keys in sorted order, as PEFT's save_pretrained (json.dumps(sort_keys=True)) writes them.
  return {{"alpha_pattern", empty_object},
          {"auto_mapping", nullptr},
          {"base_model_name_or_path", base_model_name_or_path},
          {"bias", "none"},
          {"fan_in_fan_out", false},
          {"inference_mode", true},
          {"init_lora_weights", true},
          {"layers_pattern", nullptr},
          {"layers_to_transform", nullptr},
          {"loftq_config", empty_object},
          {"lora_alpha", alpha},
          {"lora_dropout", settings.dropout},
          {"megatron_config", nullptr},
          {"megatron_core", "megatron.core"},
          {"modules_to_save", nullptr},
          {"peft_type", "LORA"},
          {"r", settings.rank},
          {"rank_pattern", empty_object},
          {"revision", nullptr},
          {"target_modules", targets},
          {"task_type", "CAUSAL_LM"},
          {"use_dora", false},
          {"use_rslora", settings.use_rslora}};
}

namespace {

// A field that must be absent, null, false or empty for this project to apply the adapter as PEFT
// would.
void require_unset(const Json& config, const std::string& field, const std::string& source,
                   const std::string& why) {
  if (!config.contains(field)) return;
  const Json& value = config[field];
  const bool unset = value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
                     ((value.is_object() || value.is_array()) && value.empty());
  if (!unset) fail(source, ": field '", field, "' is set (", value.dump(), "); ", why);
}

}  // namespace

PeftAdapterInfo read_peft_adapter_config(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kAdapterConfigFile;
  const std::string source = path.string();
  if (!std::filesystem::exists(path)) fail(source, ": not found (a PEFT adapter directory needs it)");
  const Json config = read_json_file(path);
  if (!config.is_object()) fail(source, ": expected a JSON object");

  const std::string peft_type = require_string(config, "peft_type", source);
  if (peft_type != "LORA") fail(source, ": field 'peft_type' is '", peft_type, "', only LORA is supported");
  if (config.contains("task_type") && config["task_type"].is_string() &&
      config["task_type"].get<std::string>() != "CAUSAL_LM")
    fail(source, ": field 'task_type' is '", config["task_type"].get<std::string>(),
         "', only CAUSAL_LM is supported");
  require_unset(config, "use_dora", source, "DoRA adapters are not supported");
  require_unset(config, "fan_in_fan_out", source, "only [out, in] (nn.Linear) weights are supported");
  require_unset(config, "modules_to_save", source, "fully trained extra modules are not supported");
  require_unset(config, "rank_pattern", source, "per-module ranks are not supported");
  require_unset(config, "alpha_pattern", source, "per-module alphas are not supported");
  require_unset(config, "layers_to_transform", source, "adapters on some layers only are not supported");
  if (config.contains("bias") && !(config["bias"].is_string() && config["bias"] == "none"))
    fail(source, ": field 'bias' is ", config["bias"].dump(), ", only \"none\" is supported");

  PeftAdapterInfo info;
  LoraSettings& s = info.settings;
  s.rank = require_int(config, "r", source);
  s.alpha = require_number(config, "lora_alpha", source);
  s.dropout = config.contains("lora_dropout") ? require_number(config, "lora_dropout", source) : 0.0;
  if (config.contains("use_rslora") && !config["use_rslora"].is_null()) {
    if (!config["use_rslora"].is_boolean()) fail(source, ": field 'use_rslora' must be true or false");
    s.use_rslora = config["use_rslora"].get<bool>();
  }
  if (!config.contains("target_modules")) fail(source, ": field 'target_modules' is missing");
  const Json& targets = config["target_modules"];
  s.target_modules.clear();
  if (targets.is_string() && targets.get<std::string>() == "all-linear") {
    s.target_modules = lora_module_names();
  } else if (targets.is_array()) {
    for (const Json& name : targets) {
      if (!name.is_string()) fail(source, ": field 'target_modules' must list module names");
      s.target_modules.push_back(name.get<std::string>());
    }
  } else {
    fail(source, ": field 'target_modules' must be a list of module names or \"all-linear\" "
                 "(regular expressions are not supported), got ", targets.dump());
  }
  s.validate(source);
  if (config.contains("base_model_name_or_path") && config["base_model_name_or_path"].is_string())
    info.base_model_name_or_path = config["base_model_name_or_path"].get<std::string>();
  return info;
}

bool is_peft_adapter_dir(const std::filesystem::path& dir) {
  return std::filesystem::is_regular_file(dir / kAdapterConfigFile);
}

}  // namespace regenesis
