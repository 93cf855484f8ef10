#pragma once
// bfloat16 for training on the CPU. The choice: float32 master weights, gradients and optimizer
// state, with matmuls autocast to bfloat16 (what transformers' Trainer does with bf16=True and
// what the paper trained with); norms, softmax, the residual stream and the loss stay float32
// (model/transformer.h). Pure bfloat16 weights would round away the paper's 1e-6-rate updates
// (bf16 has 8 bits of mantissa), so they are not offered for training.
#include <string>

namespace regenesis {

// True when this CPU has native bfloat16 arithmetic (AVX512-BF16 or AMX-BF16) and ATen's oneDNN
// kernels can use it; elsewhere bf16 matmuls are emulated (correct, slower than float32).
bool cpu_has_native_bf16();

// "f32" | "bf16" | "auto" -> whether to autocast (auto: bf16 where native, logged).
bool resolve_bf16(const std::string& dtype);

// Turns on bfloat16 autocast for the CPU on this thread while alive (when `enabled`).
class Bf16Autocast {
 public:
  explicit Bf16Autocast(bool enabled);
  ~Bf16Autocast();
  Bf16Autocast(const Bf16Autocast&) = delete;
  Bf16Autocast& operator=(const Bf16Autocast&) = delete;

 private:
  bool enabled_, previous_;
};

}  // namespace regenesis
