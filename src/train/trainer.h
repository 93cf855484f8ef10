#pragma once
// The training loop's state and one optimizer step at a time (run_training in train.h drives it
// with progress, logs, checkpoints and outputs; tests and the benchmark drive it directly).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/transformer.h"
#include "train/adamw.h"
#include "train/batch_plan.h"
#include "train/lr_schedule.h"
#include "train/sft_tokenize.h"
#include "train/train_options.h"

namespace regenesis {

struct StepMetrics {
  int64_t step = 0;  // 1-based: the number of optimizer steps done after this one
  double loss = 0;   // mean target NLL over the step's global batch
  double lr = 0;
  double grad_norm = 0;  // before clipping
  int64_t examples = 0, tokens = 0, loss_tokens = 0;
  double seconds = 0;
};

class Trainer {
 public:
  // `model` float32 (or float64 for gradient checks). LoRA mode adds fresh adapters seeded with
  // options.seed; full mode trains every tensor of named_parameters(). options must be valid.
  Trainer(TrainOptions options, Transformer model, std::vector<TokenizedExample> data, int32_t pad_id);

  int64_t total_steps() const { return total_steps_; }
  int64_t steps_done() const { return step_; }
  bool done() const { return step_ >= total_steps_; }
  StepMetrics train_step();

  // Checkpoint state: trainer_state.json content, the trainable tensors, the optimizer moments.
  nlohmann::ordered_json state_json() const;
  std::vector<std::pair<std::string, at::Tensor>> trainable() const { return trainable_; }
  const AdamW& optimizer() const { return *optimizer_; }
  // Restores a checkpoint (train/checkpoint.h); Error naming the option when it was written with
  // other options or data.
  void restore(const std::filesystem::path& checkpoint_dir);

  Transformer& model() { return model_; }
  const TrainOptions& options() const { return options_; }
  const LrSchedule& schedule() const { return schedule_; }
  const std::string& data_fingerprint() const { return fingerprint_; }

 private:
  const StepPlan& plan_for(int64_t step);

  TrainOptions options_;
  Transformer model_;
  std::vector<TokenizedExample> data_;
  int32_t pad_id_;
  bool bf16_ = false;
  std::vector<std::pair<std::string, at::Tensor>> trainable_;
  std::unique_ptr<AdamW> optimizer_;
  LrSchedule schedule_;
  int64_t steps_per_epoch_ = 0, total_steps_ = 0, step_ = 0;
  int64_t planned_epoch_ = -1;
  std::vector<StepPlan> epoch_plan_;
  std::string fingerprint_;
};

}  // namespace regenesis
