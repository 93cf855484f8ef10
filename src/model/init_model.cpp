#include "model/init_model.h"

#include "model/init_tokenizer.h"
#include "model/init_weights.h"
#include "model/tensor_io.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {

namespace {

constexpr int64_t kBosId = kInitBosTokenId, kImEndId = kInitEosTokenId;
// The tokenizer needs no more tokens than the tiny vocab; larger vocabs leave the rest unused
// (as real checkpoints often pad their embedding matrix).
constexpr int kTokenizerVocabLimit = 1024;

at::ScalarType storage_type(const std::string& dtype) {
  if (dtype == "f32") return at::kFloat;
  if (dtype == "bf16") return at::kBFloat16;
  fail("unknown dtype '", dtype, "' (expected f32 or bf16)");
}

}  // namespace

std::vector<std::string> init_preset_names() { return {"tiny", "smollm-135m-shape"}; }
std::vector<std::string> init_arch_names() { return {"llama", "qwen2", "mistral"}; }

ModelConfig init_preset_config(const InitOptions& options) {
  ModelConfig c;
  if (options.preset == "tiny") {
    c.vocab_size = 1024;
    c.hidden_size = 64;
    c.intermediate_size = 176;
    c.num_hidden_layers = 2;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 2;
    c.max_position_embeddings = 4096;
    c.rope_theta = 10000.0;
    c.tie_word_embeddings = false;  // so the separate lm_head path gets exercised
  } else if (options.preset == "smollm-135m-shape") {
    c.vocab_size = 49152;
    c.hidden_size = 576;
    c.intermediate_size = 1536;
    c.num_hidden_layers = 30;
    c.num_attention_heads = 9;
    c.num_key_value_heads = 3;
    c.max_position_embeddings = 8192;
    c.rope_theta = 100000.0;
    c.tie_word_embeddings = true;
  } else {
    fail("unknown preset '", options.preset, "' (expected one of: ", join(init_preset_names(), ", "), ")");
  }
  c.head_dim = c.hidden_size / c.num_attention_heads;
  c.rms_norm_eps = 1e-5;
  if (options.arch == "llama") {
    c.architecture = "LlamaForCausalLM", c.model_type = "llama";
  } else if (options.arch == "mistral") {
    c.architecture = "MistralForCausalLM", c.model_type = "mistral";
  } else if (options.arch == "qwen2") {
    c.architecture = "Qwen2ForCausalLM", c.model_type = "qwen2";
    c.attention_bias = true;
    c.rms_norm_eps = 1e-6;
  } else {
    fail("unknown arch '", options.arch, "' (expected one of: ", join(init_arch_names(), ", "), ")");
  }
  c.bos_token_id = kBosId;
  c.eos_token_ids = {kImEndId};
  c.torch_dtype = storage_type(options.dtype) == at::kFloat ? "float32" : "bfloat16";
  return c;
}

void init_model_dir(const std::filesystem::path& out, const InitOptions& options) {
  const ModelConfig config = init_preset_config(options);
  const ByteLevelBpe bpe = train_byte_level_bpe(
      init_tokenizer_corpus(), std::min<int>(kTokenizerVocabLimit, static_cast<int>(config.vocab_size)),
      {kEndOfTextToken, kImStartToken, kImEndToken});
  write_random_model_dir(out, config, bpe, options.seed, options.dtype);
}

void write_random_model_dir(const std::filesystem::path& out, const ModelConfig& config,
                            const ByteLevelBpe& bpe, uint64_t seed, const std::string& dtype_name) {
  const at::ScalarType dtype = storage_type(dtype_name);
  if (static_cast<int64_t>(bpe.vocab.size()) > config.vocab_size)
    fail("the tokenizer has ", bpe.vocab.size(), " tokens but the model's vocab_size is ", config.vocab_size);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) fail(out.string(), ": cannot create directory: ", ec.message());

  write_init_tokenizer_files(out, bpe, config.max_position_embeddings);

  config.save(out);
  const nlohmann::ordered_json generation = {{"bos_token_id", kBosId},
                                             {"eos_token_id", {kImEndId, kBosId}},
                                             {"pad_token_id", kBosId}};
  write_file_atomic(out / "generation_config.json", generation.dump(2) + "\n");

  save_safetensors(out / "model.safetensors", init_random_weights(config, seed, dtype),
                   {{"format", "pt"}});
}

}  // namespace regenesis
