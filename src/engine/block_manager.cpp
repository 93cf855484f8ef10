#include "engine/block_manager.h"

#include <algorithm>

#include "util/error.h"

namespace regenesis {

size_t BlockManager::KeyHash::operator()(const Key& key) const {
  // FNV-1a over the parent and the token ids; equality is checked on the full key.
  uint64_t h = 1469598103934665603ULL ^ static_cast<uint64_t>(static_cast<uint32_t>(key.parent));
  for (int64_t t : key.tokens) {
    h ^= static_cast<uint64_t>(t);
    h *= 1099511628211ULL;
  }
  return static_cast<size_t>(h);
}

BlockManager::BlockManager(int64_t num_blocks, int64_t block_size, int64_t cache_limit_tokens)
    : block_size_(block_size), limit_blocks_(std::max<int64_t>(0, cache_limit_tokens) / block_size) {
  if (num_blocks < 1 || block_size < 1)
    fail("KV blocks: need at least one block of one position (got ", num_blocks, " of ", block_size, ")");
  refs_.assign(num_blocks, 0);
  info_.resize(num_blocks);
  for (int64_t b = num_blocks - 1; b >= 0; --b) free_.push_back(static_cast<int32_t>(b));
}

int32_t BlockManager::allocate() {
  if (free_.empty()) {
    if (lru_.empty()) fail("internal: KV cache out of blocks (", num_blocks(), " all in use)");
    evict(lru_.front());
  }
  const int32_t block = free_.back();
  free_.pop_back();
  refs_[block] = 1;
  return block;
}

void BlockManager::retain(int32_t block) {
  Info& info = info_[block];
  if (info.in_lru) {
    lru_.erase(info.lru_position);
    info.in_lru = false;
  }
  ++refs_[block];
}

void BlockManager::release(int32_t block) {
  if (refs_[block] <= 0) fail("internal: KV block ", block, " released more often than retained");
  if (--refs_[block] > 0) return;
  Info& info = info_[block];
  if (info.indexed && info.ready) {
    info.lru_position = lru_.insert(lru_.end(), block);
    info.in_lru = true;
    trim_to_limit();
    return;
  }
  if (info.indexed) unindex(block);  // pending, never computed: nothing to keep
  free_.push_back(block);
}

void BlockManager::release_all(std::span<const int32_t> blocks) {
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) release(*it);
}

BlockManager::Match BlockManager::match(std::span<const int64_t> tokens, int64_t max_blocks) {
  Match out;
  if (!caching()) return out;
  const int64_t full = std::min<int64_t>(max_blocks, static_cast<int64_t>(tokens.size()) / block_size_);
  Key key{-1, {}};
  for (int64_t b = 0; b < full; ++b) {
    key.tokens.assign(tokens.begin() + b * block_size_, tokens.begin() + (b + 1) * block_size_);
    auto it = index_.find(key);
    if (it == index_.end()) break;
    const int32_t block = it->second;
    if (!info_[block].ready) {
      out.pending = true;
      break;
    }
    retain(block);
    out.blocks.push_back(block);
    key.parent = block;
  }
  hit_tokens_ += static_cast<int64_t>(out.blocks.size()) * block_size_;
  return out;
}

void BlockManager::index(int32_t block, int32_t parent, std::span<const int64_t> tokens, bool ready) {
  if (!caching() || info_[block].indexed) return;
  if (static_cast<int64_t>(tokens.size()) != block_size_)
    fail("internal: indexing a KV block with ", tokens.size(), " tokens (blocks hold ", block_size_, ")");
  if (parent >= 0 && !info_[parent].indexed) return;  // unreachable: nothing could match it
  Key key{parent, std::vector<int64_t>(tokens.begin(), tokens.end())};
  auto [it, inserted] = index_.emplace(std::move(key), block);
  if (!inserted) return;  // the same content is indexed already (e.g. two greedy samples)
  Info& info = info_[block];
  info.indexed = true;
  info.ready = ready;
  info.parent = parent;
  info.entry = it;
  if (parent >= 0) info_[parent].children.push_back(block);
}

void BlockManager::mark_ready(int32_t block) { info_[block].ready = true; }

void BlockManager::unindex(int32_t block) {
  Info& info = info_[block];
  if (info.parent >= 0) {
    auto& siblings = info_[info.parent].children;
    siblings.erase(std::find(siblings.begin(), siblings.end(), block));
  }
  index_.erase(info.entry);
  info.indexed = info.ready = false;
  info.parent = -1;
}

void BlockManager::unindex_subtree(int32_t block) {
  while (!info_[block].children.empty()) unindex_subtree(info_[block].children.back());
  Info& info = info_[block];
  if (info.in_lru) {  // unreferenced and no longer reachable: free it
    lru_.erase(info.lru_position);
    info.in_lru = false;
    unindex(block);
    free_.push_back(block);
    ++evicted_;
    return;
  }
  unindex(block);
}

void BlockManager::evict(int32_t block) {
  // Descendants first: once this block is gone, no match can reach them.
  while (!info_[block].children.empty()) {
    const int32_t child = info_[block].children.back();
    if (refs_[child] > 0)
      unindex_subtree(child);  // still in use by a sequence: it merely leaves the index
    else
      evict(child);
  }
  Info& info = info_[block];
  if (info.in_lru) {
    lru_.erase(info.lru_position);
    info.in_lru = false;
  }
  unindex(block);
  free_.push_back(block);
  ++evicted_;
}

void BlockManager::trim_to_limit() {
  while (static_cast<int64_t>(lru_.size()) > limit_blocks_) evict(lru_.front());
}

PrefixCacheStats BlockManager::stats() const {
  PrefixCacheStats s;
  s.cached_tokens = static_cast<int64_t>(lru_.size()) * block_size_;
  s.indexed_blocks = static_cast<int64_t>(index_.size());
  s.hit_tokens = hit_tokens_;
  s.evicted_blocks = evicted_;
  return s;
}

}  // namespace regenesis
