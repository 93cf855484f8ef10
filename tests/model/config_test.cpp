// config.json parsing: the HF fields and defaults, the errors naming file and field, and the
// round trip through to_json.
#include "model/config.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

nlohmann::json base_json() {
  return nlohmann::json::parse(R"({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 512,
    "hidden_size": 64, "intermediate_size": 172, "num_hidden_layers": 5,
    "num_attention_heads": 8, "num_key_value_heads": 4, "max_position_embeddings": 512,
    "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "rope_scaling": null,
    "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"})");
}

void expect_error(const nlohmann::json& json, const std::vector<std::string>& parts) {
  try {
    ModelConfig::from_json(json, "dir/config.json");
    FAIL() << "expected an error for " << json.dump();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dir/config.json"), std::string::npos) << e.what();
    for (const auto& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(ModelConfig, ParsesLlamaWithDefaults) {
  ModelConfig c = ModelConfig::from_json(base_json(), "config.json");
  EXPECT_EQ(c.architecture, "LlamaForCausalLM");
  EXPECT_EQ(c.model_type, "llama");
  EXPECT_EQ(c.head_dim, 8);  // hidden / heads when absent
  EXPECT_EQ(c.kv_group_size(), 2);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_FALSE(c.rope_scaling);
  EXPECT_EQ(c.bos_token_id, 1);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{2}));
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);

  auto j = base_json();
  j.erase("num_key_value_heads");
  j.erase("tie_word_embeddings");
  j["eos_token_id"] = {128001, 128009};
  j["head_dim"] = 16;  // explicit head_dim may differ from hidden / heads
  c = ModelConfig::from_json(j, "config.json");
  EXPECT_EQ(c.num_key_value_heads, 8);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{128001, 128009}));
}

TEST(ModelConfig, FamiliesAndRopeScaling) {
  auto j = base_json();
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  j["use_sliding_window"] = false;
  j["sliding_window"] = 32768;
  EXPECT_TRUE(ModelConfig::from_json(j, "c").attention_bias);  // qwen2 always has q/k/v bias
  EXPECT_FALSE(ModelConfig::from_json(j, "c").sliding_window);

  j = base_json();
  j["architectures"] = {"MistralForCausalLM"};
  j["model_type"] = "mistral";
  j["sliding_window"] = 4096;
  EXPECT_EQ(ModelConfig::from_json(j, "c").sliding_window, 4096);

  j = base_json();
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 32.0}, {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
  ModelConfig c = ModelConfig::from_json(j, "c");
  ASSERT_TRUE(c.rope_scaling);
  EXPECT_EQ(c.rope_scaling->type, "llama3");
  EXPECT_DOUBLE_EQ(c.rope_scaling->factor, 32.0);
  j["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}};
  expect_error(j, {"rope_scaling", "yarn", "not supported"});
}

TEST(ModelConfig, BadFieldsNameFileAndField) {
  auto j = base_json();
  j.erase("hidden_size");
  expect_error(j, {"'hidden_size'", "missing"});

  j = base_json();
  j["num_hidden_layers"] = "5";
  expect_error(j, {"'num_hidden_layers'", "integer"});

  j = base_json();
  j["hidden_size"] = 60;  // 8 heads do not divide 60
  expect_error(j, {"'num_attention_heads'", "does not divide hidden_size 60"});

  j = base_json();
  j["num_key_value_heads"] = 3;
  expect_error(j, {"'num_key_value_heads'", "3 does not divide"});

  j = base_json();
  j["architectures"] = {"GPT2LMHeadModel"};
  expect_error(j, {"'architectures'", "GPT2LMHeadModel", "not supported"});

  j = base_json();
  j["rms_norm_eps"] = "small";
  expect_error(j, {"'rms_norm_eps'", "number"});

  j = base_json();
  j["tie_word_embeddings"] = 1;
  expect_error(j, {"'tie_word_embeddings'", "true or false"});

  j = base_json();
  j["vocab_size"] = 0;
  expect_error(j, {"'vocab_size'", "positive"});

  j = base_json();
  j["hidden_act"] = "gelu";
  expect_error(j, {"'hidden_act'", "gelu"});
}

TEST(ModelConfig, LoadAndSaveRoundTrip) {
  test::TempDir dir;
  write_file_atomic(dir / "config.json", base_json().dump());
  ModelConfig c = ModelConfig::load(dir.path());
  c.rope_scaling = RopeScaling{"llama3", 8.0, 1.0, 4.0, 8192};
  c.save(dir.path());
  nlohmann::json written = nlohmann::json::parse(read_file(dir / "config.json"));
  EXPECT_EQ(written["architectures"][0], "LlamaForCausalLM");
  EXPECT_EQ(written["rope_scaling"]["rope_type"], "llama3");
  EXPECT_EQ(written["eos_token_id"], 2);
  ModelConfig back = ModelConfig::load(dir.path());
  EXPECT_EQ(back.to_json(), c.to_json());

  write_file_atomic(dir / "config.json", "{\"vocab_size\": ");
  try {
    ModelConfig::load(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
  }
  test::TempDir empty;
  EXPECT_THROW(ModelConfig::load(empty.path()), Error);
}

}  // namespace
}  // namespace regenesis
