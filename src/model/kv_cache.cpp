#include "model/kv_cache.h"

#include "util/error.h"

namespace regenesis {

KVCache::KVCache(const ModelConfig& config, int64_t num_slots, int64_t max_seq_len,
                 at::ScalarType dtype)
    : num_slots_(num_slots), max_seq_len_(max_seq_len), dtype_(dtype) {
  if (num_slots <= 0 || max_seq_len <= 0)
    fail("KV cache needs at least one slot and one position (got ", num_slots, " slots of ",
         max_seq_len, ")");
  // Uninitialised on purpose: the pages are only touched as positions get written, and a
  // forward never reads past the positions its caller says are cached.
  auto options = at::TensorOptions().dtype(dtype);
  for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer) {
    keys_.push_back(at::empty({num_slots, config.num_key_value_heads, max_seq_len, config.head_dim}, options));
    values_.push_back(at::empty({num_slots, config.num_key_value_heads, max_seq_len, config.head_dim}, options));
  }
}

size_t KVCache::bytes() const {
  size_t total = 0;
  for (const auto& t : keys_) total += t.nbytes();
  for (const auto& t : values_) total += t.nbytes();
  return total;
}

void KVCache::copy_slot(int64_t src, int64_t dst, int64_t length) {
  if (src < 0 || src >= num_slots_ || dst < 0 || dst >= num_slots_)
    fail("KV cache copy_slot: slot ", src, " -> ", dst, " outside 0..", num_slots_ - 1);
  if (length < 0 || length > max_seq_len_)
    fail("KV cache copy_slot: length ", length, " outside 0..", max_seq_len_);
  if (src == dst || length == 0) return;
  for (size_t layer = 0; layer < keys_.size(); ++layer) {
    keys_[layer][dst].narrow(1, 0, length).copy_(keys_[layer][src].narrow(1, 0, length));
    values_[layer][dst].narrow(1, 0, length).copy_(values_[layer][src].narrow(1, 0, length));
  }
}

}  // namespace regenesis
