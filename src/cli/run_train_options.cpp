#include "cli/run_train_options.h"

#include <functional>
#include <map>

#include "model/lora_settings.h"
#include "util/error.h"

namespace regenesis::cli {
namespace {

using Setter = std::function<void(TrainOptions&, const Json&, const std::string& key)>;

template <typename T>
T typed(const Json& value, const std::string& key, const std::string& source) {
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>) ok = value.is_boolean();
  else if constexpr (std::is_integral_v<T>) ok = value.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>) ok = value.is_number();
  else ok = value.is_string();
  if (!ok) fail(source, ": train.", key, ": wrong type (", value.type_name(), " ", value.dump(), ")");
  return value.get<T>();
}

template <typename T>
Setter field(T TrainOptions::*member, const std::string& source) {
  return [member, source](TrainOptions& o, const Json& v, const std::string& key) {
    o.*member = typed<T>(v, key, source);
  };
}

template <typename T>
Setter lora_field(T LoraSettings::*member, const std::string& source) {
  return [member, source](TrainOptions& o, const Json& v, const std::string& key) {
    o.lora.*member = typed<T>(v, key, source);
  };
}

}  // namespace

TrainOptions train_options_from_table(const Json& table, const std::string& source) {
  if (!table.is_object()) fail(source, ": train: must be a table");
  TrainOptions options;
  if (auto it = table.find("preset"); it != table.end()) {
    if (!it->is_string() || it->get<std::string>() != "paper")
      fail(source, ": train.preset: the only preset is \"paper\"");
    options = paper_train_preset();
  }
  const std::map<std::string, Setter> setters = {
      {"mode", field(&TrainOptions::mode, source)},
      {"lora_rank", lora_field(&LoraSettings::rank, source)},
      {"lora_alpha", lora_field(&LoraSettings::alpha, source)},
      {"lora_dropout", lora_field(&LoraSettings::dropout, source)},
      {"rslora", lora_field(&LoraSettings::use_rslora, source)},
      {"lr", field(&TrainOptions::learning_rate, source)},
      {"learning_rate", field(&TrainOptions::learning_rate, source)},
      {"epochs", field(&TrainOptions::epochs, source)},
      {"batch_size", field(&TrainOptions::batch_size, source)},
      {"grad_accum", field(&TrainOptions::grad_accum, source)},
      {"global_batch", field(&TrainOptions::global_batch, source)},
      {"max_length", field(&TrainOptions::max_length, source)},
      {"truncate", field(&TrainOptions::truncate, source)},
      {"packing", field(&TrainOptions::packing, source)},
      {"warmup_ratio", field(&TrainOptions::warmup_ratio, source)},
      {"schedule", field(&TrainOptions::schedule, source)},
      {"weight_decay", field(&TrainOptions::weight_decay, source)},
      {"clip", field(&TrainOptions::clip, source)},
      {"seed", field(&TrainOptions::seed, source)},
      {"save_every", field(&TrainOptions::save_every, source)},
      {"keep_checkpoints", field(&TrainOptions::keep_checkpoints, source)},
      {"dtype", field(&TrainOptions::dtype, source)},
      {"threads", field(&TrainOptions::threads, source)},
      {"checkpoint_activations", field(&TrainOptions::checkpoint_activations, source)},
      {"chat_template", field(&TrainOptions::chat_template, source)},
      {"log_every", field(&TrainOptions::log_every, source)},
      {"target_modules",
       [source](TrainOptions& o, const Json& v, const std::string& key) {
         if (!v.is_array()) fail(source, ": train.", key, ": must be a list of module names");
         o.lora.target_modules.clear();
         for (const auto& name : v) o.lora.target_modules.push_back(typed<std::string>(name, key, source));
       }},
  };
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (it.key() == "preset") continue;
    auto setter = setters.find(it.key());
    if (setter == setters.end()) {
      std::string known = "preset";
      for (const auto& [name, _] : setters) known += ", " + name;
      fail(source, ": train.", it.key(), ": unknown key (known keys here: ", known, ")");
    }
    setter->second(options, *it, it.key());
  }
  // The paths are per round; validate() wants them set.
  options.model_dir = "model";
  options.data_path = "data.jsonl";
  options.out_dir = "out";
  try {
    options.validate();
  } catch (const Error& e) {
    fail(source, ": [train]: ", e.what());
  }
  return options;
}

}  // namespace regenesis::cli
