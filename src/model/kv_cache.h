#pragma once
// The key/value cache of the incremental forward (torch): a pool of fixed-size blocks, allocated
// once. A sequence's positions live in the blocks its block table names (position p in block
// table[p / block_size], offset p % block_size), so sequences can share prefix blocks and memory
// is bounded by the pool. Which positions of a block are valid is the caller's bookkeeping.
//
// The slot view: a cache of num_slots blocks of max_seq_len positions gives every sequence one
// block ("slot") holding all its positions (Transformer::forward's tensor interface).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "model/config.h"

namespace regenesis {

class KVCache {
 public:
  // Per layer, keys are [num_blocks, kv_heads, head_dim / 2, block_size, 2] and values
  // [num_blocks, kv_heads, (block_size + 1) / 2, head_dim, 2]: keys keep dimensions 2i and 2i+1
  // side by side, values keep positions 2j and 2j+1 side by side, so attention reads 16 keys x 2
  // dimensions, or 16 dimensions x 2 positions, with one load (bfloat16: one vdpbf16ps). Writing
  // an even position zeroes the odd one after it, so a half-filled pair never holds garbage.
  // Otherwise uninitialised memory: pages are touched only as positions get written.
  KVCache(const ModelConfig& config, int64_t num_blocks, int64_t block_size, at::ScalarType dtype);

  int64_t num_blocks() const { return num_blocks_; }
  int64_t block_size() const { return block_size_; }
  int64_t num_slots() const { return num_blocks_; }     // the slot view
  int64_t max_seq_len() const { return block_size_; }   // the slot view
  int64_t num_layers() const { return static_cast<int64_t>(keys_.size()); }
  at::ScalarType dtype() const { return dtype_; }
  size_t bytes() const;
  // Bytes one cached position takes over all layers (keys and values).
  size_t bytes_per_token() const;

  // Copies positions [0, length) of block src into block dst, every layer (forking a partly
  // filled block: the rest of a shared prefix is shared, not copied).
  void copy_block(int64_t src, int64_t dst, int64_t length);
  void copy_slot(int64_t src, int64_t dst, int64_t length) { copy_block(src, dst, length); }

  at::Tensor& keys(int64_t layer) { return keys_[layer]; }
  at::Tensor& values(int64_t layer) { return values_[layer]; }

 private:
  int64_t num_blocks_, block_size_;
  at::ScalarType dtype_;
  std::vector<at::Tensor> keys_, values_;
};

}  // namespace regenesis
