#include "train/model_export.h"

#include "model/tensor_io.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {

namespace {

const char* torch_dtype_name(at::ScalarType dtype) {
  switch (dtype) {
    case at::kBFloat16: return "bfloat16";
    case at::kHalf: return "float16";
    case at::kDouble: return "float64";
    default: return "float32";
  }
}

}  // namespace

void copy_tokenizer_files(const std::filesystem::path& base_dir, const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                           "chat_template.jinja", "tokenizer.model", "added_tokens.json", "vocab.json",
                           "merges.txt", "generation_config.json"}) {
    const std::filesystem::path source = base_dir / name;
    if (std::filesystem::is_regular_file(source)) write_file_atomic(out_dir / name, read_file(source));
  }
}

at::ScalarType base_storage_type(const std::filesystem::path& base_dir) {
  const Json config = read_json_file(base_dir / "config.json");
  const std::string dtype = config.value("torch_dtype", std::string("float32"));
  if (dtype == "bfloat16") return at::kBFloat16;
  if (dtype == "float16") return at::kHalf;
  return at::kFloat;
}

void write_hf_model(Transformer& model, const std::filesystem::path& base_dir,
                    const std::filesystem::path& out_dir, at::ScalarType dtype) {
  std::filesystem::create_directories(out_dir);
  // The base config verbatim (fields this project does not read survive), new torch_dtype.
  nlohmann::ordered_json config = nlohmann::ordered_json::parse(read_file(base_dir / "config.json"));
  config["torch_dtype"] = torch_dtype_name(dtype);
  write_file_atomic(out_dir / "config.json", config.dump(2) + "\n");
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (auto& [name, tensor] : model.named_parameters())
    tensors.emplace_back(name, tensor.detach().to(dtype).contiguous());
  save_safetensors(out_dir / "model.safetensors", tensors, {{"format", "pt"}});
  copy_tokenizer_files(base_dir, out_dir);
}

}  // namespace regenesis
