#pragma once
// Training checkpoints in OUT/checkpoints/step-NNNNNNNN/: trainer_state.json (step, options,
// data fingerprint), weights.safetensors (the trainable tensors: HF names for full fine-tuning,
// PEFT keys for LoRA, float32) and optimizer.safetensors (AdamW moments). A checkpoint is written
// into a temporary directory and renamed into place, so a kill at any moment leaves either a
// complete checkpoint or none; leftovers of an interrupted write are removed on the next run.
//
// Nothing random is saved: the data order, LoRA dropout masks and init all derive from the seed
// and the step (train/batch_plan.h, model/lora.h), so (step, weights, moments) is the whole state.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "train/sft_tokenize.h"

namespace regenesis {

struct CheckpointData {
  int64_t step = 0;                     // optimizer steps done
  nlohmann::ordered_json state;         // trainer_state.json (has "step")
  std::map<std::string, at::Tensor> weights;
  std::map<std::string, at::Tensor> optimizer;
};

std::filesystem::path checkpoints_dir(const std::filesystem::path& out_dir);

// Writes the checkpoint for state["step"], then removes all but the newest `keep`.
void save_checkpoint(const std::filesystem::path& out_dir, const nlohmann::ordered_json& state,
                     const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     const std::vector<std::pair<std::string, at::Tensor>>& optimizer, int keep);

// The newest complete checkpoint's directory, if any (temporary leftovers are deleted).
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& out_dir);

CheckpointData load_checkpoint(const std::filesystem::path& checkpoint_dir);

// FNV-1a over the token ids and loss masks of the dataset: a resume checks it trains on the same
// data.
std::string dataset_fingerprint(const std::vector<TokenizedExample>& data);

}  // namespace regenesis
