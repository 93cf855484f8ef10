#include "train/train_options.h"

#include <cmath>

#include "util/error.h"

namespace regenesis {

double TrainOptions::resolved_learning_rate() const {
  if (learning_rate > 0) return learning_rate;
  return mode == "full" ? 1e-5 : 2e-4;
}

int TrainOptions::resolved_grad_accum() const {
  if (grad_accum > 0) return grad_accum;
  if (global_batch > 0 && batch_size > 0) return global_batch / batch_size;
  return 1;
}

void TrainOptions::validate() const {
  auto require = [](bool ok, const auto&... message) {
    if (!ok) fail(message...);
  };
  require(mode == "lora" || mode == "full", "train: mode must be \"lora\" or \"full\", got \"", mode, "\"");
  if (mode == "lora") lora.validate("train: LoRA settings (--lora-rank, --lora-alpha, --lora-dropout, --target-modules)");
  require(learning_rate >= 0 && std::isfinite(learning_rate), "train: --lr must be a positive number");
  require(epochs >= 1, "train: --epochs must be at least 1, got ", epochs);
  require(batch_size >= 1, "train: --batch-size must be at least 1, got ", batch_size);
  require(grad_accum >= 0, "train: --grad-accum must be at least 1, got ", grad_accum);
  require(global_batch >= 0, "train: --global-batch must be at least 1, got ", global_batch);
  if (global_batch > 0) {
    require(global_batch % batch_size == 0, "train: --global-batch ", global_batch,
            " is not a multiple of --batch-size ", batch_size);
    require(grad_accum == 0 || int64_t(grad_accum) * batch_size == global_batch, "train: --global-batch ",
            global_batch, " disagrees with --batch-size ", batch_size, " x --grad-accum ", grad_accum);
  }
  require(max_length >= 2, "train: --max-length must be at least 2, got ", max_length);
  require(warmup_ratio >= 0 && warmup_ratio <= 1, "train: --warmup-ratio must be in [0, 1], got ", warmup_ratio);
  require(schedule == "cosine" || schedule == "linear" || schedule == "constant",
          "train: --schedule must be cosine, linear or constant, got \"", schedule, "\"");
  require(weight_decay >= 0, "train: --weight-decay must not be negative");
  require(adam_beta1 >= 0 && adam_beta1 < 1 && adam_beta2 >= 0 && adam_beta2 < 1,
          "train: Adam betas must be in [0, 1)");
  require(adam_eps > 0, "train: Adam epsilon must be positive");
  require(clip >= 0, "train: --clip must not be negative (0 turns clipping off)");
  require(save_every >= 0, "train: --save-every must not be negative");
  require(keep_checkpoints >= 1, "train: --keep-checkpoints must be at least 1");
  require(dtype == "f32" || dtype == "bf16" || dtype == "auto",
          "train: --dtype must be f32, bf16 or auto, got \"", dtype, "\"");
  require(threads >= 0, "train: --threads must not be negative");
  require(log_every >= 1, "train: --log-every must be at least 1");
  require(!(merge && mode == "full"), "train: --merge applies to LoRA only (full fine-tuning already "
                                      "writes the whole model)");
}

nlohmann::ordered_json TrainOptions::to_json() const {
  nlohmann::ordered_json lora_json = nullptr;
  if (mode == "lora")
    lora_json = {{"r", lora.rank},
                 {"lora_alpha", lora.alpha},
                 {"lora_dropout", lora.dropout},
                 {"target_modules", lora.target_modules},
                 {"use_rslora", lora.use_rslora}};
  return {{"model", model_dir.string()},
          {"data", data_path.string()},
          {"mode", mode},
          {"lora", lora_json},
          {"learning_rate", resolved_learning_rate()},
          {"epochs", epochs},
          {"batch_size", batch_size},
          {"grad_accum", resolved_grad_accum()},
          {"global_batch", resolved_global_batch()},
          {"max_length", max_length},
          {"truncate", truncate},
          {"packing", packing},
          {"warmup_ratio", warmup_ratio},
          {"schedule", schedule},
          {"weight_decay", weight_decay},
          {"adam_betas", {adam_beta1, adam_beta2}},
          {"adam_eps", adam_eps},
          {"clip", clip},
          {"seed", seed},
          {"dtype", dtype},
          {"chat_template", chat_template}};
}

TrainOptions paper_train_preset() {
  TrainOptions o;
  o.mode = "full";
  o.learning_rate = 1e-6;
  o.schedule = "cosine";
  o.warmup_ratio = 0.03;
  o.epochs = 3;
  o.batch_size = 8;
  o.global_batch = 64;
  o.weight_decay = 0;
  o.clip = 1.0;
  o.seed = 42;
  o.dtype = "auto";
  o.max_length = 10240;
  o.truncate = false;
  return o;
}

}  // namespace regenesis
