#include "model/lora.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace regenesis {

at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       const LoraPair& lora) {
  at::Tensor base = at::linear(x, weight, bias);
  if (!lora.active()) return base;
  at::Tensor input = x;
  const LoraDropoutState* state = lora.dropout_state.get();
  if (lora.dropout > 0 && state && state->training) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(mix_seed(state->seed, lora.stream));
    at::Tensor keep = at::empty_like(x).bernoulli_(1 - lora.dropout, generator);
    input = x * keep * (1.0 / (1 - lora.dropout));
  }
  return base + at::linear(at::linear(input, lora.a), lora.b) * lora.scale;
}

std::pair<at::Tensor, at::Tensor> lora_init(int64_t in_features, int64_t out_features,
                                            int64_t rank, uint64_t seed, uint64_t stream) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(mix_seed(seed, stream));
  // kaiming_uniform_(a=sqrt(5)): gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), bound = gain *
  // sqrt(3 / fan_in) = 1 / sqrt(fan_in).
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
  auto options = at::TensorOptions().dtype(at::kFloat);
  at::Tensor a = at::empty({rank, in_features}, options).uniform_(-bound, bound, generator);
  at::Tensor b = at::zeros({out_features, rank}, options);
  return {a, b};
}

}  // namespace regenesis
