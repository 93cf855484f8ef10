// LoRA in the PEFT layout: key names and adapter_config.json fields as peft writes them, loading
// base + adapter, and merging (merged logits = base + adapter logits).
#include <gtest/gtest.h>

#include <algorithm>

#include "model/safetensors.h"
#include "test_support.h"
#include "train_fixtures.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// peft's naming (get_peft_model_state_dict drops the adapter name "default"), written out by
// hand for a 2-layer Llama with all seven projections targeted.
const std::vector<std::string> kPeftKeys = {
    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
    "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight",
    "base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight",
    "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
    "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
    "base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight",
    "base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight",
    "base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight",
    "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight",
    "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight",
    "base_model.model.model.layers.0.mlp.up_proj.lora_B.weight",
    "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight",
    "base_model.model.model.layers.0.mlp.down_proj.lora_B.weight",
    "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight",
    "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight",
    "base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight",
    "base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight",
    "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight",
    "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight",
    "base_model.model.model.layers.1.self_attn.o_proj.lora_A.weight",
    "base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight",
    "base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight",
    "base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight",
    "base_model.model.model.layers.1.mlp.up_proj.lora_A.weight",
    "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight",
    "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
    "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
};

LoraSettings all_modules(int64_t rank = 4) {
  LoraSettings s;
  s.rank = rank;
  s.alpha = 8;
  s.dropout = 0.05;
  s.target_modules = lora_module_names();
  return s;
}

// Gives the B matrices values, as training would (fresh adapters have B = 0).
void randomize_b(Transformer& model, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::NoGradGuard no_grad;
  for (auto& [name, tensor] : model.lora_parameters())
    if (name.find("lora_B") != std::string::npos) tensor.copy_(at::randn(tensor.sizes(), gen, tensor.options()) * 0.2);
}

TEST(PeftAdapter, KeyNamesShapesAndConfigAreWhatPeftWrites) {
  test::TempDir dir;
  const ModelConfig config = test::micro_config();
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 1), at::kFloat);
  model.add_lora(all_modules(), 3);
  model.save_lora(dir.path(), "meta-llama/Llama-3.2-1B");

  const SafetensorsFile file = SafetensorsFile::open(dir / "adapter_model.safetensors");
  std::vector<std::string> names;
  for (const TensorInfo& info : file.tensors()) {
    names.push_back(info.name);
    EXPECT_EQ(info.dtype, DType::F32) << info.name;
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> expected = kPeftKeys;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
  // lora_A [r, in], lora_B [out, r] (q: 16 -> 16, k/v: 16 -> 8, o: 16 -> 16, gate/up: 16 -> 24, down: 24 -> 16).
  auto shape = [&](const std::string& key) { return file.find(key)->shape; };
  EXPECT_EQ(shape("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight"), (std::vector<int64_t>{4, 16}));
  EXPECT_EQ(shape("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight"), (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(shape("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"), (std::vector<int64_t>{4, 24}));
  EXPECT_EQ(shape("base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight"), (std::vector<int64_t>{24, 4}));
  EXPECT_EQ(file.metadata().at("format"), "pt");

  const Json cfg = read_json_file(dir / "adapter_config.json");
  EXPECT_EQ(cfg["peft_type"], "LORA");
  EXPECT_EQ(cfg["task_type"], "CAUSAL_LM");
  EXPECT_EQ(cfg["r"], 4);
  EXPECT_EQ(cfg["lora_alpha"], 8);
  EXPECT_DOUBLE_EQ(cfg["lora_dropout"].get<double>(), 0.05);
  EXPECT_EQ(cfg["bias"], "none");
  EXPECT_EQ(cfg["fan_in_fan_out"], false);
  EXPECT_EQ(cfg["inference_mode"], true);
  EXPECT_EQ(cfg["init_lora_weights"], true);
  EXPECT_TRUE(cfg["modules_to_save"].is_null());
  EXPECT_EQ(cfg["use_rslora"], false);
  EXPECT_EQ(cfg["use_dora"], false);
  EXPECT_EQ(cfg["base_model_name_or_path"], "meta-llama/Llama-3.2-1B");
  std::vector<std::string> targets = cfg["target_modules"].get<std::vector<std::string>>();
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"}));
  // And it reads back into the same settings.
  const PeftAdapterInfo info = read_peft_adapter_config(dir.path());
  EXPECT_EQ(info.settings.rank, 4);
  EXPECT_EQ(info.settings.alpha, 8);
  EXPECT_EQ(info.settings.target_modules.size(), 7u);
}

TEST(PeftAdapter, FreshAdaptersFollowPeftInit) {
  const ModelConfig config = test::micro_config();
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 1), at::kFloat);
  model.add_lora(all_modules(8), 3);
  for (auto& [name, tensor] : model.lora_parameters()) {
    if (name.find("lora_B") != std::string::npos) {
      EXPECT_EQ(tensor.abs().max().item<double>(), 0.0) << name;
    } else {  // kaiming_uniform(a=sqrt(5)): uniform in +-1/sqrt(fan_in), std bound/sqrt(3)
      const double bound = 1.0 / std::sqrt(double(tensor.size(1)));
      EXPECT_LE(tensor.abs().max().item<double>(), bound) << name;
      EXPECT_GT(tensor.abs().max().item<double>(), 0.7 * bound) << name;
    }
  }
}

TEST(PeftAdapter, BasePlusAdapterLoadsAndMergedLogitsMatchWithin1e5) {
  test::TempDir dir;
  const ModelConfig config = test::micro_config(64);
  test::write_weights(dir / "base", config, test::random_weights(config, 8));
  Transformer trained = Transformer::load(dir / "base", at::kFloat);
  trained.add_lora(all_modules(), 5);
  randomize_b(trained, 6);
  trained.save_lora(dir / "adapter", (dir / "base").string());

  const at::Tensor tokens = test::long_tensor({0, 5, 9, 3, 17, 22, 2, 40, 63, 1, 12, 30}).view({2, 6});
  at::NoGradGuard no_grad;
  const at::Tensor base_logits = Transformer::load(dir / "base", at::kFloat).forward_full(tokens);
  const at::Tensor in_memory = trained.forward_full(tokens);
  Transformer loaded = Transformer::load(dir / "base", at::kFloat, dir / "adapter");
  ASSERT_TRUE(loaded.has_lora());
  const at::Tensor adapted = loaded.forward_full(tokens);
  EXPECT_TRUE(at::equal(adapted, in_memory));
  EXPECT_GT((adapted - base_logits).abs().max().item<double>(), 1e-2);  // the adapter matters

  loaded.merge_lora();
  EXPECT_FALSE(loaded.has_lora());
  const at::Tensor merged = loaded.forward_full(tokens);
  EXPECT_LT((merged - adapted).abs().max().item<double>(), 1e-5);
  // The merged weights are W + (alpha / r) B A.
  const auto base_weights = test::random_weights(config, 8);
  for (auto& [name, tensor] : loaded.named_parameters())
    if (name == "model.layers.1.mlp.up_proj.weight") {
      at::Tensor a, b;
      for (auto& [key, value] : trained.lora_parameters()) {
        if (key == peft_lora_key(1, kLoraUp, 'A')) a = value;
        if (key == peft_lora_key(1, kLoraUp, 'B')) b = value;
      }
      EXPECT_TRUE(at::allclose(tensor, base_weights.at(name) + at::matmul(b, a) * 2.0, 0, 1e-6));
    }
}

TEST(PeftAdapter, AcceptsPeftInMemoryNamesAndRefusesAdaptersThatDoNotFit) {
  test::TempDir dir;
  const ModelConfig config = test::micro_config();
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 1), at::kFloat);
  LoraSettings settings = all_modules();
  settings.target_modules = {"q_proj", "v_proj"};
  model.add_lora(settings, 3);
  randomize_b(model, 4);
  model.save_lora(dir / "good", "base");
  const auto base = test::random_weights(config, 1);
  auto load = [&](const std::filesystem::path& adapter) {
    Transformer m = Transformer::from_tensors(config, base, at::kFloat);
    m.load_lora(adapter);
    return m;
  };
  auto error_of = [&](const std::filesystem::path& adapter) {
    try {
      load(adapter);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const at::Tensor tokens = test::long_tensor({0, 5, 9, 3}).unsqueeze(0);
  at::NoGradGuard no_grad;
  const at::Tensor expected = model.forward_full(tokens);

  // Keys with the adapter name peft uses in memory (".default") load too.
  std::vector<std::pair<std::string, at::Tensor>> renamed;
  for (auto& [key, tensor] : model.lora_parameters())
    renamed.emplace_back(replace_all(key, ".weight", ".default.weight"), tensor);
  std::filesystem::create_directories(dir / "named");
  save_safetensors(dir / "named" / "adapter_model.safetensors", renamed);
  write_file_atomic(dir / "named" / "adapter_config.json", read_file(dir / "good" / "adapter_config.json"));
  EXPECT_TRUE(at::equal(load(dir / "named").forward_full(tokens), expected));

  auto variant = [&](const std::string& name, const std::function<void(Json&)>& edit_config,
                     const std::function<void(std::vector<std::pair<std::string, at::Tensor>>&)>& edit_tensors) {
    const auto out = dir / name;
    std::filesystem::create_directories(out);
    Json cfg = read_json_file(dir / "good" / "adapter_config.json");
    edit_config(cfg);
    write_file_atomic(out / "adapter_config.json", cfg.dump());
    auto tensors = model.lora_parameters();
    edit_tensors(tensors);
    save_safetensors(out / "adapter_model.safetensors", tensors);
    return out;
  };
  auto same_config = [](Json&) {};
  auto same_tensors = [](std::vector<std::pair<std::string, at::Tensor>>&) {};
  EXPECT_NE(error_of(variant("dora", [](Json& c) { c["use_dora"] = true; }, same_tensors)).find("use_dora"), std::string::npos);
  EXPECT_NE(error_of(variant("regex", [](Json& c) { c["target_modules"] = ".*proj"; }, same_tensors)).find("regular expressions"),
            std::string::npos);
  EXPECT_NE(error_of(variant("missing", same_config, [](auto& t) { t.pop_back(); })).find("not found"), std::string::npos);
  EXPECT_NE(error_of(variant("rank", [](Json& c) { c["r"] = 2; }, same_tensors)).find("has shape"), std::string::npos);
  EXPECT_NE(error_of(variant("extra", [](Json& c) { c["target_modules"] = {"q_proj"}; }, same_tensors))
                .find("v_proj.lora_A.weight' does not belong"),
            std::string::npos);
  EXPECT_NE(error_of(dir / "nothing").find("adapter_config.json: not found"), std::string::npos);
}

}  // namespace
}  // namespace regenesis
