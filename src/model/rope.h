#pragma once
// Rotary position embeddings in the Hugging Face "rotate half" layout: the first and second half
// of each head's dimensions form the (x, y) pairs. Includes the llama3 and linear frequency
// scalings. cos/sin are computed per call from the positions (float64, then cast), so there is no
// table to size and no position limit.
#include <utility>

#include <ATen/ATen.h>

#include "model/config.h"

namespace regenesis {

// The inverse frequencies [head_dim/2] (float64) after any rope_scaling.
at::Tensor rope_inverse_frequencies(const ModelConfig& config);

class Rope {
 public:
  Rope() = default;
  explicit Rope(const ModelConfig& config) : inv_freq_(rope_inverse_frequencies(config)) {}
  // cos and sin at `positions` (int64, any shape S) -> each S + [head_dim], in `dtype`.
  std::pair<at::Tensor, at::Tensor> cos_sin(const at::Tensor& positions, at::ScalarType dtype) const;

 private:
  at::Tensor inv_freq_;
};

// x [..., head_dim] rotated: x * cos + rotate_half(x) * sin (cos/sin broadcast to x).
at::Tensor apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

}  // namespace regenesis
