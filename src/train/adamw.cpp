#include "train/adamw.h"

#include <cmath>

#include "util/error.h"

namespace regenesis {

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWSettings settings)
    : params_(std::move(params)), settings_(settings) {
  for (const auto& [name, param] : params_) {
    exp_avg_.push_back(at::zeros_like(param, at::MemoryFormat::Contiguous));
    exp_avg_sq_.push_back(at::zeros_like(param, at::MemoryFormat::Contiguous));
    decay_.push_back(param.dim() >= 2);
  }
}

void AdamW::step(double lr) {
  at::NoGradGuard no_grad;
  ++steps_;
  const double b1 = settings_.beta1, b2 = settings_.beta2;
  const double bias_correction1 = 1 - std::pow(b1, static_cast<double>(steps_));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(b2, static_cast<double>(steps_)));
  const double step_size = lr / bias_correction1;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor param = params_[i].second;
    const at::Tensor& grad = param.grad();
    if (!grad.defined()) continue;
    if (decay_[i] && settings_.weight_decay != 0) param.mul_(1 - lr * settings_.weight_decay);
    exp_avg_[i].lerp_(grad, 1 - b1);
    exp_avg_sq_[i].mul_(b2).addcmul_(grad, grad, 1 - b2);
    at::Tensor denom = (exp_avg_sq_[i].sqrt() / bias_correction2_sqrt).add_(settings_.eps);
    param.addcdiv_(exp_avg_[i], denom, -step_size);
  }
}

void AdamW::zero_grad() {
  for (auto& [name, param] : params_) param.mutable_grad().reset();
}

std::vector<std::pair<std::string, at::Tensor>> AdamW::state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("exp_avg." + params_[i].first, exp_avg_[i]);
    out.emplace_back("exp_avg_sq." + params_[i].first, exp_avg_sq_[i]);
  }
  return out;
}

void AdamW::load_state(const std::map<std::string, at::Tensor>& state, int64_t steps,
                       const std::string& source) {
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    for (const auto& [prefix, moment] : {std::pair{"exp_avg.", &exp_avg_[i]}, std::pair{"exp_avg_sq.", &exp_avg_sq_[i]}}) {
      const std::string key = prefix + params_[i].first;
      auto it = state.find(key);
      if (it == state.end()) fail(source, ": optimizer state '", key, "' is missing");
      if (it->second.sizes() != moment->sizes())
        fail(source, ": optimizer state '", key, "' has shape ", it->second.sizes(), ", expected ",
             moment->sizes());
      moment->copy_(it->second);
    }
  }
  steps_ = steps;
}

double clip_grad_norm(const std::vector<std::pair<std::string, at::Tensor>>& params, double max_norm) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> norms;
  for (const auto& [name, param] : params)
    if (param.grad().defined()) norms.push_back(param.grad().detach().to(at::kDouble).norm());
  if (norms.empty()) return 0;
  const double total = at::stack(norms).norm().item<double>();
  if (max_norm > 0) {
    const double coef = max_norm / (total + 1e-6);
    if (coef < 1)
      for (const auto& [name, param] : params)
        if (param.grad().defined()) param.grad().mul_(coef);
  }
  return total;
}

}  // namespace regenesis
