#include "model/kv_cache.h"

#include "util/error.h"

namespace regenesis {

KVCache::KVCache(const ModelConfig& config, int64_t num_blocks, int64_t block_size,
                 at::ScalarType dtype)
    : num_blocks_(num_blocks), block_size_(block_size), dtype_(dtype) {
  if (num_blocks <= 0 || block_size <= 0)
    fail("KV cache needs at least one block of at least one position (got ", num_blocks,
         " blocks of ", block_size, ")");
  auto options = at::TensorOptions().dtype(dtype);
  const int64_t kv = config.num_key_value_heads, hd = config.head_dim;
  if (hd % 2 != 0) fail("KV cache: head_dim must be even (RoPE pairs dimensions), got ", hd);
  for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer) {
    keys_.push_back(at::empty({num_blocks, kv, hd / 2, block_size, 2}, options));
    values_.push_back(at::empty({num_blocks, kv, (block_size + 1) / 2, hd, 2}, options));
  }
}

size_t KVCache::bytes() const {
  size_t total = 0;
  for (const auto& t : keys_) total += t.nbytes();
  for (const auto& t : values_) total += t.nbytes();
  return total;
}

size_t KVCache::bytes_per_token() const {
  return bytes() / static_cast<size_t>(num_blocks_ * block_size_);  // (odd blocks: a padded slot)
}

void KVCache::copy_block(int64_t src, int64_t dst, int64_t length) {
  if (src < 0 || src >= num_blocks_ || dst < 0 || dst >= num_blocks_)
    fail("KV cache copy: block ", src, " -> ", dst, " outside 0..", num_blocks_ - 1);
  if (length < 0 || length > block_size_)
    fail("KV cache copy: length ", length, " outside 0..", block_size_);
  if (src == dst || length == 0) return;
  for (size_t layer = 0; layer < keys_.size(); ++layer) {
    keys_[layer][dst].narrow(2, 0, length).copy_(keys_[layer][src].narrow(2, 0, length));  // [kv, hd/2, bs, 2]
    const int64_t pairs = (length + 1) / 2;  // [kv, bs/2, hd, 2]: a half pair is copied whole
    values_[layer][dst].narrow(1, 0, pairs).copy_(values_[layer][src].narrow(1, 0, pairs));
  }
}

}  // namespace regenesis
