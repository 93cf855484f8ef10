#pragma once
// The packed (kernels::PackedBf16) forms of a model's bfloat16 weights, made on first use and
// made again when a weight changes, so the cached forward packs each weight once, not per step.
// Costs one more copy of the packed weights' memory.
#include <memory>

#include <ATen/ATen.h>

namespace regenesis::kernels {

struct PackedBf16;

class PackedWeightCache {
 public:
  PackedWeightCache();
  ~PackedWeightCache();
  // A copy (or moved-to object) starts empty: its owner's weights are other members.
  PackedWeightCache(const PackedWeightCache&);
  PackedWeightCache& operator=(const PackedWeightCache&);

  // `weight` packed. The entry is keyed by the address of the weight member and checked against
  // the tensor it holds now: replaced (merge_lora), moved or changed in place (an optimizer
  // step bumps the version counter) means packed again. Thread-safe.
  const PackedBf16& get(const at::Tensor& weight);
  int64_t bytes() const;  // memory held by the packed copies

 private:
  struct Entries;
  std::unique_ptr<Entries> entries_;
};

}  // namespace regenesis::kernels
