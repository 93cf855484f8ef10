#include "model/packed_weight_cache.h"

#include <mutex>
#include <unordered_map>

#include "model/packed_bf16.h"

namespace regenesis::kernels {

namespace {

// What identifies the contents a packed copy was made from.
struct Source {
  const void* impl = nullptr;
  const void* data = nullptr;
  int64_t version = 0;
  bool operator==(const Source&) const = default;
};

Source source_of(const at::Tensor& weight) {
  // Inference tensors (made under c10::InferenceMode) have no version counter.
  return {weight.unsafeGetTensorImpl(), weight.data_ptr(), weight.is_inference() ? -1 : static_cast<int64_t>(weight._version())};
}

}  // namespace

struct PackedWeightCache::Entries {
  struct Entry {
    Source source;
    PackedBf16 packed;
  };
  mutable std::mutex mutex;
  std::unordered_map<const at::Tensor*, Entry> map;  // node-based: references stay valid
};

PackedWeightCache::PackedWeightCache() : entries_(std::make_unique<Entries>()) {}
PackedWeightCache::~PackedWeightCache() = default;
PackedWeightCache::PackedWeightCache(const PackedWeightCache&) : PackedWeightCache() {}
PackedWeightCache& PackedWeightCache::operator=(const PackedWeightCache& other) {
  if (this != &other) entries_ = std::make_unique<Entries>();
  return *this;
}

const PackedBf16& PackedWeightCache::get(const at::Tensor& weight) {
  std::lock_guard lock(entries_->mutex);
  const Source now = source_of(weight);
  auto [it, added] = entries_->map.try_emplace(&weight);
  if (added || !(it->second.source == now)) {
    it->second.packed = pack_bf16(weight);
    it->second.source = now;
  }
  return it->second.packed;
}

int64_t PackedWeightCache::bytes() const {
  std::lock_guard lock(entries_->mutex);
  int64_t total = 0;
  for (const auto& [key, entry] : entries_->map) total += entry.packed.data.nbytes();
  return total;
}

}  // namespace regenesis::kernels
