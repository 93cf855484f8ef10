#pragma once
// The key/value cache of the incremental forward (torch).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "model/config.h"

namespace regenesis {

// A pool of slots, each holding up to max_seq_len positions for every layer. Per layer, keys and
// values are [num_slots, kv_heads, max_seq_len, head_dim]: one slot's heads are contiguous so a
// batch gathers its slots with index_select and attention runs per KV head without expansion.
// Which positions of a slot are valid is the caller's bookkeeping (the `start` of each forward).
class KVCache {
 public:
  KVCache(const ModelConfig& config, int64_t num_slots, int64_t max_seq_len, at::ScalarType dtype);

  int64_t num_slots() const { return num_slots_; }
  int64_t max_seq_len() const { return max_seq_len_; }
  int64_t num_layers() const { return static_cast<int64_t>(keys_.size()); }
  at::ScalarType dtype() const { return dtype_; }
  size_t bytes() const;

  // Fork a prefilled prompt into another slot: positions [0, length) of every layer.
  void copy_slot(int64_t src, int64_t dst, int64_t length);

  at::Tensor& keys(int64_t layer) { return keys_[layer]; }    // [slots, kv_heads, max_seq, hd]
  at::Tensor& values(int64_t layer) { return values_[layer]; }

 private:
  int64_t num_slots_, max_seq_len_;
  at::ScalarType dtype_;
  std::vector<at::Tensor> keys_, values_;
};

}  // namespace regenesis
