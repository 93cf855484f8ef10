#pragma once
// LoRA adapters as Hugging Face PEFT defines them (peft/tuners/lora/layer.py): a projection
// W [out, in] gets a low-rank update B @ A with A [r, in] and B [out, r], scaled by alpha / r
// (alpha / sqrt(r) with rsLoRA); dropout applies to the adapter's input only:
//   y = x W^T + bias + scale * dropout(x) A^T B^T.
// The Transformer holds one optional LoraPair per projection (model/transformer.h); an inactive
// pair (undefined A) costs nothing.
#include <array>
#include <cstdint>
#include <memory>
#include <utility>

#include <ATen/ATen.h>

#include "model/lora_settings.h"

namespace regenesis {

// Training switch shared by all adapters of one model. Dropout masks come from a generator
// seeded with (seed, the adapter's stream id): the same seed gives the same masks, so a layer
// recomputed for activation checkpointing sees the masks of its first run, and a resumed run
// needs no saved generator state (the trainer derives the seed from its step).
struct LoraDropoutState {
  bool training = false;
  uint64_t seed = 0;
};

struct LoraPair {
  at::Tensor a;  // [r, in]; undefined: no adapter on this projection
  at::Tensor b;  // [out, r]
  double scale = 0;
  double dropout = 0;
  uint64_t stream = 0;  // unique per adapter in the model
  std::shared_ptr<const LoraDropoutState> dropout_state;
  bool active() const { return a.defined(); }
};

struct LayerLora {
  std::array<LoraPair, kLoraModuleCount> modules;  // indexed by LoraModule
  const LoraPair& operator[](size_t module) const { return modules[module]; }
  LoraPair& operator[](size_t module) { return modules[module]; }
};

// at::linear(x, weight, bias), plus the adapter's update when `lora` is active.
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       const LoraPair& lora);

// PEFT's default init: A ~ kaiming_uniform(a=sqrt(5)) over fan_in = in, i.e. uniform in
// +-1/sqrt(in); B = 0 (so a fresh adapter leaves the model unchanged). Seeded, float32.
std::pair<at::Tensor, at::Tensor> lora_init(int64_t in_features, int64_t out_features,
                                            int64_t rank, uint64_t seed, uint64_t stream);

}  // namespace regenesis
