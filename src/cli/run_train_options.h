#pragma once
// The [train] table of run.toml as TrainOptions: what `run` passes to the trainer between STaR's
// rounds. Keys are the `regenesis train` flags with '_' for '-' (lora_rank, lr or learning_rate,
// epochs, batch_size, ...), plus `preset = "paper"` and `mode = "lora" | "full"`. A LoRA run is
// also merged (the next round's sampler loads a whole model) and always resumes from its
// checkpoints, so a killed `run` continues the training it was in.
#include <string>

#include "train/train_options.h"
#include "util/json.h"

namespace regenesis::cli {

// Error "SOURCE: train.KEY: ..." for unknown keys and wrong types; checked options.
TrainOptions train_options_from_table(const Json& table, const std::string& source);

}  // namespace regenesis::cli
