#include "train/trainer.h"

#include <chrono>

#include "train/checkpoint.h"
#include "train/micro_batch.h"
#include "train/precision.h"
#include "util/error.h"

namespace regenesis {

namespace {

// Paths a resume may spell differently: the data is compared by its tokenized fingerprint instead
// (the base model's weights are not fingerprinted; resuming onto another base is the user's call).
const char* const kResumableKeys[] = {"model", "data"};

}  // namespace

Trainer::Trainer(TrainOptions options, Transformer model, std::vector<TokenizedExample> data, int32_t pad_id)
    : options_(std::move(options)), model_(std::move(model)), data_(std::move(data)), pad_id_(pad_id) {
  options_.validate();
  if (data_.empty()) fail("train: no examples");
  bf16_ = resolve_bf16(options_.dtype);
  if (options_.mode == "lora") {
    model_.add_lora(options_.lora, options_.seed);
    trainable_ = model_.lora_parameters();
  } else {
    trainable_ = model_.named_parameters();
  }
  // With tied embeddings, named_parameters lists the shared tensor once, so its gradient holds
  // both uses.
  for (auto& [name, tensor] : trainable_) tensor.set_requires_grad(true);
  optimizer_ = std::make_unique<AdamW>(
      trainable_, AdamWSettings{options_.adam_beta1, options_.adam_beta2, options_.adam_eps, options_.weight_decay});
  steps_per_epoch_ = steps_per_epoch(static_cast<int64_t>(data_.size()), options_.resolved_global_batch());
  total_steps_ = steps_per_epoch_ * options_.epochs;
  schedule_ = LrSchedule{options_.schedule, options_.resolved_learning_rate(),
                         warmup_steps_for(options_.warmup_ratio, total_steps_), total_steps_};
  fingerprint_ = dataset_fingerprint(data_);
}

const StepPlan& Trainer::plan_for(int64_t step) {
  const int64_t epoch = step / steps_per_epoch_;
  if (epoch != planned_epoch_) {
    epoch_plan_ = plan_epoch(data_, options_.resolved_global_batch(), options_.batch_size,
                             options_.max_length, options_.packing, options_.seed, epoch);
    planned_epoch_ = epoch;
  }
  return epoch_plan_.at(static_cast<size_t>(step % steps_per_epoch_));
}

StepMetrics Trainer::train_step() {
  if (done()) fail("train_step: all ", total_steps_, " steps are done");
  const auto start = std::chrono::steady_clock::now();
  const StepPlan& plan = plan_for(step_);
  StepMetrics metrics;
  metrics.examples = plan.examples;
  metrics.tokens = plan.tokens;
  metrics.loss_tokens = plan.loss_tokens;
  // Every target of the global batch weighs the same: each micro-batch's sum is divided by the
  // step's target count (one big batch's mean, however it is split or packed).
  const double grad_scale = 1.0 / static_cast<double>(plan.loss_tokens);
  double loss_sum = 0;
  for (size_t m = 0; m < plan.micro_batches.size(); ++m) {
    // Dropout masks: a function of (seed, step, micro-batch), so a resumed run draws the same.
    model_.set_lora_training(true, mix_seed(options_.seed, static_cast<uint64_t>(step_) * 4096 + m + 1));
    const MicroBatchTensors batch = make_micro_batch(data_, plan.micro_batches[m], pad_id_);
    loss_sum += forward_backward(model_, batch, grad_scale, options_.checkpoint_activations, bf16_);
  }
  model_.set_lora_training(false);
  metrics.grad_norm = clip_grad_norm(trainable_, options_.clip);
  metrics.lr = schedule_.at(step_);
  optimizer_->step(metrics.lr);
  optimizer_->zero_grad();
  ++step_;
  metrics.step = step_;
  metrics.loss = loss_sum * grad_scale;
  metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return metrics;
}

nlohmann::ordered_json Trainer::state_json() const {
  return {{"step", step_},
          {"total_steps", total_steps_},
          {"steps_per_epoch", steps_per_epoch_},
          {"data_fingerprint", fingerprint_},
          {"options", options_.to_json()}};
}

void Trainer::restore(const std::filesystem::path& checkpoint_dir) {
  const CheckpointData checkpoint = load_checkpoint(checkpoint_dir);
  const std::string source = checkpoint_dir.string();
  const nlohmann::ordered_json& state = checkpoint.state;
  // Compared as plain (key-sorted) JSON: the saved file's key order is not the struct's.
  nlohmann::json saved = nlohmann::json::parse(state.value("options", nlohmann::ordered_json::object()).dump());
  nlohmann::json current = nlohmann::json::parse(options_.to_json().dump());
  for (const char* key : kResumableKeys) {
    saved.erase(key);
    current.erase(key);
  }
  for (const auto& [key, value] : current.items())
    if (!saved.contains(key) || saved[key] != value)
      fail(source, ": the checkpoint was written with ", key, " = ",
           saved.contains(key) ? saved[key].dump() : "(unset)", ", this run has ", value.dump(),
           "; resume with the same settings or use another --out");
  if (state.value("data_fingerprint", std::string()) != fingerprint_)
    fail(source, ": the checkpoint was trained on other data (tokenized dataset fingerprint ",
         state.value("data_fingerprint", std::string()), ", this run has ", fingerprint_, ")");
  if (checkpoint.step < 0 || checkpoint.step > total_steps_)
    fail(source, ": step ", checkpoint.step, " is outside this run's ", total_steps_, " steps");

  at::NoGradGuard no_grad;
  for (auto& [name, tensor] : trainable_) {
    auto it = checkpoint.weights.find(name);
    if (it == checkpoint.weights.end()) fail(source, ": tensor '", name, "' is missing from the checkpoint");
    if (it->second.sizes() != tensor.sizes())
      fail(source, ": tensor '", name, "' has shape ", it->second.sizes(), ", expected ", tensor.sizes());
    tensor.copy_(it->second);
  }
  optimizer_->load_state(checkpoint.optimizer, checkpoint.step, source);
  step_ = checkpoint.step;
}

}  // namespace regenesis
