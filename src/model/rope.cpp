#include "model/rope.h"

#include <cmath>

namespace regenesis {

at::Tensor rope_inverse_frequencies(const ModelConfig& config) {
  const int64_t dim = config.head_dim;
  auto options = at::TensorOptions().dtype(at::kDouble);
  at::Tensor exponents = at::arange(0, dim, 2, options) / static_cast<double>(dim);
  at::Tensor inv_freq = at::pow(config.rope_theta, exponents).reciprocal();
  if (!config.rope_scaling) return inv_freq;

  const RopeScaling& s = *config.rope_scaling;
  if (s.type == "linear") return inv_freq / s.factor;  // same as dividing positions by factor

  // llama3: wavelengths longer than the original context are stretched by `factor`, shorter than
  // original/high_freq_factor are kept, and the band between is interpolated smoothly.
  const double old_context = static_cast<double>(s.original_max_position_embeddings);
  const double low_freq_wavelen = old_context / s.low_freq_factor;
  const double high_freq_wavelen = old_context / s.high_freq_factor;
  at::Tensor wavelen = (2 * M_PI) / inv_freq;
  at::Tensor smooth = (old_context / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
  at::Tensor interpolated = (1 - smooth) * inv_freq / s.factor + smooth * inv_freq;
  at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / s.factor, interpolated);
  return at::where(wavelen < high_freq_wavelen, inv_freq, scaled);
}

std::pair<at::Tensor, at::Tensor> Rope::cos_sin(const at::Tensor& positions, at::ScalarType dtype) const {
  at::Tensor angles = positions.to(at::kDouble).unsqueeze(-1) * inv_freq_;  // S + [hd/2]
  angles = at::cat({angles, angles}, -1);                                    // S + [hd]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

at::Tensor apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * cos + rotated * sin;
}

}  // namespace regenesis
