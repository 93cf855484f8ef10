#pragma once
// `model init`: a random model in Hugging Face layout (config.json, generation_config.json,
// model.safetensors, tokenizer files with a ChatML template) for tests and demos. The same options
// give the same bytes every time. No torch here, so the CLI can include it cheaply.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/config.h"

namespace regenesis {

// Token ids of the init tokenizer (model/init_tokenizer.h): <|endoftext|> (BOS, pad), <|im_end|> (EOS).
inline constexpr int64_t kInitBosTokenId = 0, kInitEosTokenId = 2;

struct InitOptions {
  std::string preset = "tiny";  // see init_preset_names()
  std::string arch = "llama";   // llama | qwen2 | mistral
  uint64_t seed = 0;
  std::string dtype = "f32";    // f32 | bf16: how the weights are stored
};

// "tiny": a few layers of width 64, vocab 1024, untied head (seconds on a CPU).
// "smollm-135m-shape": SmolLM2-135M's shape (576 wide, 30 layers, 9/3 heads, vocab 49152, tied).
std::vector<std::string> init_preset_names();
std::vector<std::string> init_arch_names();

// The config a preset + arch describes (Error naming the valid choices for an unknown one).
// qwen2 adds q/k/v biases; mistral is MistralForCausalLM; dtype sets torch_dtype.
ModelConfig init_preset_config(const InitOptions& options);

// Writes the model directory (created when missing; files replaced atomically).
void init_model_dir(const std::filesystem::path& out, const InitOptions& options);

struct ByteLevelBpe;  // model/init_tokenizer.h
// The same files for any `config` and a tokenizer trained with the three ChatML special tokens
// (ids 0..2 are BOS/pad, <|im_start|>, EOS; `config` must use them), e.g. the toy reasoner's.
// `dtype` is "f32" or "bf16".
void write_random_model_dir(const std::filesystem::path& out, const ModelConfig& config,
                            const ByteLevelBpe& bpe, uint64_t seed, const std::string& dtype);

}  // namespace regenesis
