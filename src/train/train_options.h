#pragma once
// Everything `regenesis train` can be told, in one struct that the CLI flags, `--preset paper` and
// a config file (the train table of run.toml) all fill. No torch here.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "model/lora_settings.h"

namespace regenesis {

struct TrainOptions {
  std::filesystem::path model_dir;  // base model, HF layout
  std::filesystem::path data_path;  // SFT JSONL (train/sft_data.h)
  std::filesystem::path out_dir;

  std::string mode = "lora";  // "lora" | "full"
  LoraSettings lora;          // rank 8, alpha 16, dropout 0, q/k/v/o (model/lora_settings.h)

  double learning_rate = 0;     // 0: 2e-4 for LoRA, 1e-5 for full fine-tuning
  int epochs = 3;
  int batch_size = 4;           // sequences (rows) per forward pass
  int grad_accum = 0;           // micro-batches per optimizer step; 0: from global_batch, else 1
  int global_batch = 0;         // examples per optimizer step; 0: batch_size * grad_accum
  int max_length = 2048;        // tokens per example (and per packed row)
  bool truncate = false;        // cut longer examples instead of stopping with an Error
  bool packing = false;         // several examples per row (positions restart, attention kept apart)
  double warmup_ratio = 0;      // warmup steps = ceil(ratio * total steps), as HF computes them
  std::string schedule = "cosine";  // cosine | linear | constant (after the warmup)
  double weight_decay = 0;      // decoupled (AdamW); not applied to 1-D tensors (norms, biases)
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_eps = 1e-8;
  double clip = 1.0;            // max global gradient norm; 0: no clipping
  uint64_t seed = 42;
  int save_every = 0;           // checkpoint every N steps (0: only the final one)
  int keep_checkpoints = 2;     // newest checkpoints kept in out/checkpoints
  bool resume = false;          // continue from the newest checkpoint in out/checkpoints
  std::string dtype = "f32";    // f32 | bf16 (bf16 autocast, float32 master weights) | auto
  int threads = 0;              // 0: one per core
  bool merge = false;           // LoRA: also write the merged model to out/merged
  bool checkpoint_activations = false;  // recompute each layer in backward (less memory)
  std::string chat_template;    // a template name instead of the model's own
  int log_every = 1;            // steps between lines of train_log.jsonl

  // The resolved values (after validate()).
  double resolved_learning_rate() const;
  int resolved_grad_accum() const;
  int64_t resolved_global_batch() const { return int64_t(batch_size) * resolved_grad_accum(); }

  // Error naming the option for anything out of range or inconsistent (e.g. a global batch that
  // batch_size does not divide, LoRA fields with mode "full").
  void validate() const;

  // The options that decide the numbers a run produces, for checkpoints (a resume with other
  // values is refused) and for the run record. Paths are included as given.
  nlohmann::ordered_json to_json() const;
};

// The paper's fine-tuning (PAPER.md section 5, ft_mistral.sh): full fine-tuning, lr 1e-6,
// cosine with 3% warmup, 3 epochs, global batch 64 (8 per pass), weight decay 0, max grad norm 1
// (HF default), seed 42, bf16 where the CPU computes it natively, max length 10240 (HF
// model_max_length there), no truncation.
TrainOptions paper_train_preset();

}  // namespace regenesis
