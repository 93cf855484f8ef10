#include <gtest/gtest.h>

#include <cmath>

#include "model/init_model.h"
#include "model/init_tokenizer.h"
#include "model/init_weights.h"
#include "model/safetensors.h"
#include "model/tensor_io.h"
#include "model/transformer.h"
#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

const char* const kInitFiles[] = {"config.json",    "generation_config.json", "model.safetensors",
                                  "tokenizer.json", "tokenizer_config.json",  "special_tokens_map.json"};

InitOptions tiny(const std::string& arch, uint64_t seed, const std::string& dtype = "f32") {
  InitOptions o;
  o.preset = "tiny";
  o.arch = arch;
  o.seed = seed;
  o.dtype = dtype;
  return o;
}

TEST(ModelInit, SameSeedGivesTheSameBytesAndAnotherSeedOtherWeights) {
  test::TempDir dir;
  init_model_dir(dir / "a", tiny("llama", 7));
  init_model_dir(dir / "b", tiny("llama", 7));
  init_model_dir(dir / "c", tiny("llama", 8));
  for (const char* file : kInitFiles) {
    ASSERT_TRUE(std::filesystem::exists(dir / "a" / file)) << file;
    EXPECT_EQ(read_file(dir / "a" / file), read_file(dir / "b" / file)) << file;
  }
  EXPECT_NE(read_file(dir / "a" / "model.safetensors"), read_file(dir / "c" / "model.safetensors"));
  // The tokenizer does not depend on the seed.
  EXPECT_EQ(read_file(dir / "a" / "tokenizer.json"), read_file(dir / "c" / "tokenizer.json"));
}

TEST(ModelInit, EveryArchLoadsBackWithTheModuleLoaders) {
  test::TempDir dir;
  for (const std::string arch : {"llama", "qwen2", "mistral"}) {
    SCOPED_TRACE(arch);
    const auto out = dir / arch;
    init_model_dir(out, tiny(arch, 1));
    const ModelConfig config = ModelConfig::load(out);
    const ModelConfig preset = init_preset_config(tiny(arch, 1));
    EXPECT_EQ(config.architecture, preset.architecture);
    EXPECT_EQ(config.model_type, arch);
    EXPECT_EQ(config.hidden_size, 64);
    EXPECT_EQ(config.num_attention_heads, 4);
    EXPECT_EQ(config.num_key_value_heads, 2);
    EXPECT_EQ(config.vocab_size, 1024);
    EXPECT_EQ(config.max_position_embeddings, 4096);
    EXPECT_EQ(config.attention_bias, arch == "qwen2");
    EXPECT_EQ(config.architecture, arch == "llama"     ? "LlamaForCausalLM"
                                   : arch == "qwen2" ? "Qwen2ForCausalLM"
                                                     : "MistralForCausalLM");

    Transformer model = Transformer::load(out);
    bool has_bias = false;
    for (auto& [name, tensor] : model.named_parameters())
      has_bias |= name.find("q_proj.bias") != std::string::npos;
    EXPECT_EQ(has_bias, arch == "qwen2");
    at::Tensor logits = model.forward_full(at::tensor({0, 5, 300, 7}, at::kLong).view({1, 4}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{1, 4, 1024}));
    EXPECT_TRUE(logits.isfinite().all().item<bool>());

    const Tokenizer tokenizer = Tokenizer::load(out);
    EXPECT_EQ(tokenizer.token_to_id(kImEndToken), 2);
    EXPECT_EQ(tokenizer.eos_id(), 2);
    EXPECT_EQ(tokenizer.bos_id(), 0);
    EXPECT_TRUE(tokenizer.is_special(1));
    EXPECT_LE(tokenizer.vocab_size(), 1024u);
    EXPECT_EQ(ChatTemplate::for_model(out).name(), "chatml");
  }
}

TEST(ModelInit, WeightsFollowTheInitScheme) {
  const ModelConfig config = init_preset_config(tiny("qwen2", 3));
  const auto tensors = init_random_weights(config, 3, at::kFloat);
  std::map<std::string, at::Tensor> by_name(tensors.begin(), tensors.end());
  // Every tensor the Transformer expects (from_tensors checks names and shapes).
  Transformer::from_tensors(config, by_name, at::kFloat);
  const at::Tensor embed = by_name.at("model.embed_tokens.weight");
  EXPECT_NEAR(embed.mean().item<double>(), 0.0, 0.001);
  EXPECT_NEAR(embed.std().item<double>(), kInitStd, 0.0005);
  EXPECT_TRUE(at::equal(by_name.at("model.norm.weight"), at::ones({64})));
  EXPECT_TRUE(at::equal(by_name.at("model.layers.1.input_layernorm.weight"), at::ones({64})));
  EXPECT_GT(by_name.at("model.layers.0.self_attn.k_proj.bias").abs().sum().item<double>(), 0.0);
  // Tensors draw from their own streams: no two matrices are equal.
  EXPECT_FALSE(at::equal(by_name.at("model.layers.0.mlp.gate_proj.weight"),
                         by_name.at("model.layers.0.mlp.up_proj.weight")));
}

TEST(ModelInit, Bf16StoresTheF32DrawRounded) {
  test::TempDir dir;
  init_model_dir(dir.path(), tiny("llama", 4, "bf16"));
  const auto model = SafetensorsModel::open_dir(dir.path());
  const ModelConfig config = ModelConfig::load(dir.path());
  EXPECT_EQ(config.torch_dtype, "bfloat16");
  const auto f32 = init_random_weights(config, 4, at::kFloat);
  for (const auto& [name, tensor] : f32) {
    const TensorRef ref = model.get(name);
    EXPECT_EQ(ref.info->dtype, DType::BF16) << name;
    const at::Tensor stored = load_tensor(model, name, at::kBFloat16, {});
    EXPECT_TRUE(at::equal(stored, tensor.to(at::kBFloat16))) << name;
  }
}

TEST(ModelInit, SmolLMShapePresetHasSmolLM2Dimensions) {
  InitOptions o;
  o.preset = "smollm-135m-shape";
  const ModelConfig c = init_preset_config(o);
  EXPECT_EQ(c.hidden_size, 576);
  EXPECT_EQ(c.num_hidden_layers, 30);
  EXPECT_EQ(c.num_attention_heads, 9);
  EXPECT_EQ(c.num_key_value_heads, 3);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.intermediate_size, 1536);
  EXPECT_EQ(c.vocab_size, 49152);
  EXPECT_EQ(c.rope_theta, 100000.0);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.architecture, "LlamaForCausalLM");
}

TEST(ModelInit, UnknownPresetOrArchNamesTheChoices) {
  InitOptions o;
  o.preset = "huge";
  try {
    init_preset_config(o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("smollm-135m-shape"), std::string::npos) << e.what();
  }
  o.preset = "tiny";
  o.arch = "gpt2";
  EXPECT_THROW(init_preset_config(o), Error);
  o.arch = "llama";
  o.dtype = "f16";
  EXPECT_THROW(init_preset_config(o), Error);
}

class InitTokenizer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    init_model_dir(dir_->path(), tiny("llama", 0));
    tokenizer_ = new Tokenizer(Tokenizer::load(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete dir_;
  }
  static test::TempDir* dir_;
  static Tokenizer* tokenizer_;
};
test::TempDir* InitTokenizer::dir_ = nullptr;
Tokenizer* InitTokenizer::tokenizer_ = nullptr;

TEST_F(InitTokenizer, RoundTripsTextIncludingUnicodeAndSpecialTokens) {
  for (const std::string text : std::vector<std::string>{
           "Hello, world! The answer is 42.", "  leading spaces\n\nand\ttabs  ", "Ünïcødé: 日本語 🙂",
        "<|im_start|>user\nWhat is 7 * 8?<|im_end|>\n", std::string("\x01\x02\x7f", 3)}) {
    const auto ids = tokenizer_->encode(text);
    EXPECT_EQ(tokenizer_->decode(ids), text);
    for (int32_t id : ids) EXPECT_LT(static_cast<size_t>(id), tokenizer_->vocab_size());
  }
  const auto chat = tokenizer_->encode("<|im_start|>user\nhi<|im_end|>");
  EXPECT_EQ(chat.front(), 1);
  EXPECT_EQ(chat.back(), 2);
}

TEST_F(InitTokenizer, CompressesTheCorpusAndUsesTheLearnedMerges) {
  const std::string corpus(init_tokenizer_corpus());
  const auto ids = tokenizer_->encode(corpus);
  EXPECT_LT(ids.size() * 3, corpus.size()) << ids.size() << " tokens for " << corpus.size() << " bytes";
  // Frequent corpus words became single tokens, and the encoder (written independently of the
  // trainer) finds them.
  const ByteLevelBpe bpe = train_byte_level_bpe(corpus, 1024, {kEndOfTextToken, kImStartToken, kImEndToken});
  EXPECT_EQ(bpe.vocab.size(), 1024u);
  for (const std::string word : {" the", " answer", " step"}) {
    const auto word_ids = tokenizer_->encode(word);
    ASSERT_EQ(word_ids.size(), 1u) << word;
    std::string byte_level = "\xC4\xA0" + word.substr(1);  // the space maps to U+0120
    EXPECT_EQ(tokenizer_->id_to_token(word_ids[0]), byte_level);
  }
}

TEST(InitTokenizerTraining, PreTokenizesLikeGpt2) {
  const auto words = pre_tokenize_words("Hello  world's end.\n\n  x = 12+3;  ");
  const std::vector<std::string> want = {"Hello", " ", " world", "'s", " end", ".", "\n\n ",
                                         " x",    " =", " 12",    "+",  "3",    ";", "  "};
  EXPECT_EQ(words, want);
}

TEST(InitTokenizerTraining, StopsWhenNoPairRepeats) {
  const ByteLevelBpe bpe = train_byte_level_bpe("abab abab", 5000, {"<s>"});
  // "abab" x2 and " abab"... every merge needs a pair seen twice; the vocab stays small.
  EXPECT_LT(bpe.vocab.size(), 270u);
  EXPECT_EQ(bpe.vocab.size(), 257u + bpe.merges.size());
  EXPECT_EQ(bpe.merges.front(), (std::pair<std::string, std::string>{"a", "b"}));
  EXPECT_THROW(train_byte_level_bpe("x", 100, {}), Error);
}

}  // namespace
}  // namespace regenesis
