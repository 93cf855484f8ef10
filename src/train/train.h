#pragma once
// `regenesis train`: supervised fine-tuning of a Hugging Face model directory on an SFT JSONL
// file, LoRA or full, with checkpoints that resume. No torch here (the CLI includes it).
//
// OUT gets:
//   LoRA:  adapter_config.json + adapter_model.safetensors (PEFT layout) and the tokenizer files;
//          with merge, OUT/merged/ = the base with the adapter merged in (HF layout)
//   full:  config.json + model.safetensors + tokenizer and generation files (HF layout)
//   both:  train_log.jsonl (one line per logged step), train_summary.json,
//          checkpoints/step-N/ (train/checkpoint.h)
#include <cstdint>
#include <filesystem>

#include "train/sft_tokenize.h"
#include "train/train_options.h"

namespace regenesis {

struct TrainResult {
  int64_t total_steps = 0;
  int64_t start_step = 0;    // > 0 when resumed
  SftStats data;
  double final_loss = 0;     // mean target loss of the last step
  double seconds = 0;        // wall time of the steps run here
  double tokens_per_second = 0;
  std::filesystem::path adapter_dir;  // LoRA output ("" for full)
  std::filesystem::path model_dir;    // full or merged model ("" without one)
};

// Validates the options, loads model, tokenizer, chat template and data, trains, writes OUT.
// Errors for bad options or input; OUT with checkpoints of another run needs resume (or another
// OUT), and a resume with options or data that differ from the checkpoint's is refused.
TrainResult run_training(const TrainOptions& options);

}  // namespace regenesis
