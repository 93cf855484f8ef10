// LoRA on the Transformer: fresh adapters (PEFT init), PEFT adapter directories in and out, the
// dropout switch, and merging the adapters into the base weights.
#include <ATen/ATen.h>

#include "model/safetensors.h"
#include "model/tensor_io.h"
#include "model/transformer.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {

namespace {

at::Tensor& projection(LayerWeights& layer, size_t module) {
  switch (module) {
    case kLoraQ: return layer.q_proj;
    case kLoraK: return layer.k_proj;
    case kLoraV: return layer.v_proj;
    case kLoraO: return layer.o_proj;
    case kLoraGate: return layer.gate_proj;
    case kLoraUp: return layer.up_proj;
    case kLoraDown: return layer.down_proj;
  }
  fail("LoRA module index ", module, " out of range");
}

uint64_t stream_of(size_t layer, size_t module) { return layer * kLoraModuleCount + module + 1; }

}  // namespace

Transformer Transformer::load(const std::filesystem::path& dir, at::ScalarType dtype,
                              const std::filesystem::path& adapter_dir) {
  Transformer model = load(dir, dtype);
  model.load_lora(adapter_dir);
  return model;
}

const LoraSettings& Transformer::lora_settings() const {
  if (!lora_settings_) fail("the model has no LoRA adapters");
  return *lora_settings_;
}

void Transformer::add_lora(const LoraSettings& settings, uint64_t seed) {
  if (lora_settings_) fail("the model already has LoRA adapters");
  settings.validate("LoRA settings");
  if (!lora_dropout_) lora_dropout_ = std::make_shared<LoraDropoutState>();
  for (size_t l = 0; l < layers_.size(); ++l) {
    for (const std::string& name : settings.target_modules) {
      const size_t module = lora_module_index(name, "LoRA settings");
      const at::Tensor& weight = projection(layers_[l], module);
      auto [a, b] = lora_init(weight.size(1), weight.size(0), settings.rank, seed, stream_of(l, module));
      LoraPair& pair = layers_[l].lora[module];
      pair.a = a.to(dtype_);
      pair.b = b.to(dtype_);
      pair.scale = settings.scale();
      pair.dropout = settings.dropout;
      pair.stream = stream_of(l, module);
      pair.dropout_state = lora_dropout_;
    }
  }
  lora_settings_ = settings;
}

void Transformer::load_lora(const std::filesystem::path& adapter_dir) {
  if (lora_settings_) fail("the model already has LoRA adapters");
  const PeftAdapterInfo info = read_peft_adapter_config(adapter_dir);
  const std::filesystem::path weights_path = adapter_dir / kAdapterWeightsFile;
  if (!std::filesystem::exists(weights_path))
    fail(weights_path.string(), ": not found (adapters saved as adapter_model.bin are not supported; "
                                "re-save with safe_serialization=True)");
  const SafetensorsFile file = SafetensorsFile::open(weights_path);
  // Keys as saved by PEFT, or with the in-memory adapter name ".default" still in them.
  auto find = [&](const std::string& key) -> const TensorInfo* {
    if (const TensorInfo* found = file.find(key)) return found;
    std::string with_name = key;
    with_name.insert(with_name.rfind(".weight"), ".default");
    return file.find(with_name);
  };
  size_t used = 0;
  const LoraSettings& s = info.settings;
  if (!lora_dropout_) lora_dropout_ = std::make_shared<LoraDropoutState>();
  for (size_t l = 0; l < layers_.size(); ++l) {
    for (const std::string& name : s.target_modules) {
      const size_t module = lora_module_index(name, adapter_dir.string());
      const at::Tensor& weight = projection(layers_[l], module);
      LoraPair& pair = layers_[l].lora[module];
      for (char which : {'A', 'B'}) {
        const std::string key = peft_lora_key(static_cast<int64_t>(l), module, which);
        const TensorInfo* tensor = find(key);
        if (!tensor) fail(weights_path.string(), ": tensor '", key, "' not found");
        const std::vector<int64_t> expected =
            which == 'A' ? std::vector<int64_t>{s.rank, weight.size(1)}
                         : std::vector<int64_t>{weight.size(0), s.rank};
        if (tensor->shape != expected)
          fail(weights_path.string(), ": tensor '", key, "' has shape ", at::IntArrayRef(tensor->shape),
               ", expected ", at::IntArrayRef(expected), " (r=", s.rank, ")");
        (which == 'A' ? pair.a : pair.b) = load_tensor(file, *tensor, dtype_);
        ++used;
      }
      pair.scale = s.scale();
      pair.dropout = s.dropout;
      pair.stream = stream_of(l, module);
      pair.dropout_state = lora_dropout_;
    }
  }
  // Tensors the config does not account for (another model's layers, modules outside
  // target_modules) mean the adapter does not fit this model.
  if (used != file.tensors().size()) {
    for (const TensorInfo& tensor : file.tensors()) {
      bool known = false;
      for (size_t l = 0; l < layers_.size() && !known; ++l)
        for (const std::string& name : s.target_modules)
          for (char which : {'A', 'B'}) {
            const std::string key = peft_lora_key(static_cast<int64_t>(l), lora_module_index(name, ""), which);
            std::string with_name = key;
            with_name.insert(with_name.rfind(".weight"), ".default");
            known = known || tensor.name == key || tensor.name == with_name;
          }
      if (!known)
        fail(weights_path.string(), ": tensor '", tensor.name,
             "' does not belong to this model's layers and the config's target_modules");
    }
  }
  lora_settings_ = s;
}

std::vector<std::pair<std::string, at::Tensor>> Transformer::lora_parameters() {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t l = 0; l < layers_.size(); ++l)
    for (size_t module = 0; module < kLoraModuleCount; ++module) {
      const LoraPair& pair = layers_[l].lora[module];
      if (!pair.active()) continue;
      out.emplace_back(peft_lora_key(static_cast<int64_t>(l), module, 'A'), pair.a);
      out.emplace_back(peft_lora_key(static_cast<int64_t>(l), module, 'B'), pair.b);
    }
  return out;
}

void Transformer::save_lora(const std::filesystem::path& dir, const std::string& base_model_name_or_path) {
  const LoraSettings& settings = lora_settings();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(dir.string(), ": cannot create directory: ", ec.message());
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (auto& [name, tensor] : lora_parameters())
    tensors.emplace_back(name, tensor.detach().to(at::kFloat).contiguous());
  save_safetensors(dir / kAdapterWeightsFile, tensors, {{"format", "pt"}});
  write_file_atomic(dir / kAdapterConfigFile,
                    peft_adapter_config(settings, base_model_name_or_path).dump(2) + "\n");
}

void Transformer::set_lora_training(bool training, uint64_t seed) {
  if (!lora_dropout_) lora_dropout_ = std::make_shared<LoraDropoutState>();
  lora_dropout_->training = training;
  lora_dropout_->seed = seed;
}

void Transformer::merge_lora() {
  lora_settings();  // Error without adapters
  at::NoGradGuard no_grad;
  const auto math_type = at::promote_types(dtype_, at::kFloat);
  for (LayerWeights& layer : layers_)
    for (size_t module = 0; module < kLoraModuleCount; ++module) {
      LoraPair& pair = layer.lora[module];
      if (!pair.active()) continue;
      at::Tensor& weight = projection(layer, module);
      at::Tensor delta = at::matmul(pair.b.to(math_type), pair.a.to(math_type)) * pair.scale;
      // A new tensor rather than an in-place add: weights may share storage with the caller's.
      weight = (weight.detach().to(math_type) + delta).to(dtype_).contiguous();
      pair = LoraPair{};
    }
  lora_settings_.reset();
}

}  // namespace regenesis
