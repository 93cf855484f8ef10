#pragma once
// Training the toy reasoner from scratch (`regenesis toy pretrain`, docs/TOY.md): a byte-level BPE
// learned from the toy corpus, a small Llama-layout decoder with random weights, and full training
// with the project's trainer (train/train.h), so the result is an ordinary Hugging Face model
// directory with a ChatML template. No torch here.
//
// OUT gets the model (config.json, model.safetensors, tokenizer files, generation_config.json,
// train_log.jsonl, train_summary.json) and OUT/pretrain/ (corpus.jsonl, init/ = the random
// model, settings.json). While training, OUT/checkpoints/ holds the newest checkpoint, so the same
// command after a kill resumes; it is removed once the model is written.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "model/config.h"
#include "train/train_options.h"

namespace regenesis {

struct ToyModelShape {
  int64_t hidden = 256;
  int64_t layers = 4;
  int64_t heads = 4;
  int64_t kv_heads = 4;
  int64_t intermediate = 768;
  int64_t max_positions = 1024;  // the longest corpus example is ~500 tokens
  int vocab_limit = 1536;        // tokenizer tokens at most (the toy corpus needs ~1100)
  // false: frequent numbers become single tokens (the toy's in-domain numbers stay below 100, so
  // a step's arithmetic is one fact over three tokens); true: numbers are spelled digit by digit.
  bool split_digits = false;
};

struct ToyPretrainOptions {
  std::filesystem::path out;
  uint64_t seed = 0;         // corpus, weights and data order
  int64_t steps = 2000;      // optimizer steps; the corpus has steps * global_batch examples (one pass)
  int batch_size = 16;       // sequences per forward pass
  int grad_accum = 1;
  double learning_rate = 2e-3;
  double warmup_ratio = 0.03;
  std::string dtype = "auto";  // trainer compute: f32 | bf16 | auto (bf16 where the CPU has it)
  int threads = 0;            // 0: one per core
  int save_every = 100;       // steps between checkpoints (the resume points)
  ToyModelShape shape;
  nlohmann::ordered_json corpus_settings;  // the corpus options (error rates, mix), for the record

  int64_t corpus_examples() const { return steps * batch_size * grad_accum; }
  void validate() const;  // Error naming the option
  // What decides the trained weights: a resume with other settings is refused.
  nlohmann::ordered_json settings_json() const;
};

// The toy reasoner's config for a tokenizer of `tokenizer_vocab` tokens: LlamaForCausalLM, tied
// embeddings, vocab rounded up to a multiple of 64, the init tokenizer's BOS/EOS ids.
ModelConfig toy_model_config(const ToyModelShape& shape, int64_t tokenizer_vocab);

// Every message of an SFT JSONL file (train/sft_data.h) joined by newlines, with the chat roles,
// the first `max_examples` examples (0: all): the text the toy tokenizer learns from.
std::string sft_corpus_text(const std::filesystem::path& sft_jsonl, size_t max_examples = 0);

// Learns the toy tokenizer from `corpus_text` (with shape.split_digits no merge touches a digit)
// and writes a random model of `shape` into `dir` (model/init_model.h layout). Returns its config.
ModelConfig write_toy_initial_model(const std::filesystem::path& dir, const std::string& corpus_text,
                                    const ToyModelShape& shape, uint64_t seed);

// The trainer's options for pretraining: full training of `init_dir` on `corpus`, into `out`,
// resuming when out holds a checkpoint.
TrainOptions toy_pretrain_train_options(const ToyPretrainOptions& options, const std::filesystem::path& init_dir,
                                        const std::filesystem::path& corpus);

struct ToyPretrainResult {
  bool already_done = false;  // OUT held a finished model of the same settings
  int64_t steps = 0, resumed_from = 0;
  double final_loss = 0, seconds = 0, tokens_per_second = 0;
  int64_t parameters = 0;
  ModelConfig config;
};

// Validates the options and records them in OUT/pretrain/settings.json; Error when OUT holds a
// pretraining with other settings (a resume must not mix two setups). True when OUT already holds
// the finished model of these settings.
bool prepare_toy_pretrain(const ToyPretrainOptions& options);

// Writes the initial model (unless there already), trains from the newest checkpoint if one
// exists, writes the model and removes the checkpoints. `corpus` must hold the SFT examples
// (the CLI writes toy_pretrain_corpus_path(out) with the toy prompt set).
ToyPretrainResult run_toy_pretrain(const ToyPretrainOptions& options, const std::filesystem::path& corpus);

// OUT/pretrain/corpus.jsonl
std::filesystem::path toy_pretrain_corpus_path(const std::filesystem::path& out);

}  // namespace regenesis
