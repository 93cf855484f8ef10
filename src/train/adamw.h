#pragma once
// AdamW (Loshchilov & Hutter, decoupled weight decay) written with ATen ops, in the arithmetic
// order of torch.optim.AdamW (single-tensor path, no amsgrad), plus global-norm gradient
// clipping as torch.nn.utils.clip_grad_norm_ does it.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace regenesis {

struct AdamWSettings {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0;
};

class AdamW {
 public:
  // `params`: name -> live tensor (requires_grad). Weight decay applies to tensors of 2 or more
  // dimensions only (norm weights and biases are exempt, as transformers' Trainer does it).
  AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWSettings settings);

  // One update with the gradients in each tensor's .grad() (a tensor without a gradient is left
  // alone, its moments untouched):
  //   p *= 1 - lr * wd;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
  //   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
  void step(double lr);
  void zero_grad();  // drops the gradients

  int64_t steps() const { return steps_; }
  const std::vector<std::pair<std::string, at::Tensor>>& params() const { return params_; }

  // Moments as "exp_avg.NAME" / "exp_avg_sq.NAME" (float32, or the parameter's type), for
  // checkpoints; load_state restores them (Error for a missing name or another shape).
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  void load_state(const std::map<std::string, at::Tensor>& state, int64_t steps,
                  const std::string& source);

 private:
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_;
  std::vector<bool> decay_;
  AdamWSettings settings_;
  int64_t steps_ = 0;
};

// Scales all gradients by min(1, max_norm / (norm + 1e-6)) where norm is the 2-norm of all of
// them together; returns that norm (before clipping). max_norm <= 0: only measures.
double clip_grad_norm(const std::vector<std::pair<std::string, at::Tensor>>& params, double max_norm);

}  // namespace regenesis
