#pragma once
// Bookkeeping of the KV cache's blocks (no torch): which are free, how many sequences reference
// each, and the prefix cache, an index of full blocks by content that lets a new prompt reuse the
// K/V of any prefix computed before (vLLM-style automatic prefix caching).
//
// A full block is indexed under (its parent block, its block_size tokens): matching a prompt walks
// the chain from the root block by block, so a hit is exact (no hash can collide). Blocks that no
// sequence references but the index still holds are the cache proper: they wait in LRU order and
// are evicted (with their indexed descendants, which nothing can reach any more) when an
// allocation needs room or when they exceed the cache limit.
#include <cstdint>
#include <list>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/engine_stats.h"

namespace regenesis {

class BlockManager {
 public:
  // `cache_limit_tokens`: at most this many tokens (rounded down to blocks) stay cached in
  // unreferenced blocks; 0 turns prefix caching off.
  BlockManager(int64_t num_blocks, int64_t block_size, int64_t cache_limit_tokens);

  int64_t num_blocks() const { return static_cast<int64_t>(refs_.size()); }
  int64_t block_size() const { return block_size_; }
  int64_t cache_limit_blocks() const { return limit_blocks_; }
  bool caching() const { return limit_blocks_ > 0; }
  // Blocks an allocation can get now: free ones and evictable cached ones.
  int64_t available() const { return static_cast<int64_t>(free_.size() + lru_.size()); }
  int32_t refs(int32_t block) const { return refs_[block]; }

  // A block for one owner (refs 1), evicting the least recently used cached block when none is
  // free. Error when every block is referenced.
  int32_t allocate();
  void retain(int32_t block);
  // Drops one reference. At zero, an indexed block that is ready joins the LRU end (the cache);
  // one still pending (never computed) leaves the index; any other becomes free.
  void release(int32_t block);
  // Releases a sequence's blocks, last first, so that its leaf blocks are evicted before the
  // prefix blocks other prompts share.
  void release_all(std::span<const int32_t> blocks);

  struct Match {
    std::vector<int32_t> blocks;  // ready cached blocks holding tokens[0, blocks.size() * bs), retained
    bool pending = false;         // the next block is being computed by another sequence
  };
  // The longest chain of indexed blocks that holds a prefix of `tokens`, at most `max_blocks`
  // blocks. Only ready blocks are returned; `pending` tells the caller that waiting a step would
  // give a longer match.
  Match match(std::span<const int64_t> tokens, int64_t max_blocks);

  // Indexes `block` (referenced by the caller) as holding `tokens` (block_size of them) after the
  // chain ending at `parent` (-1: the first block of a sequence). Does nothing when caching is off,
  // when the parent is not indexed, or when an identical block is already indexed. A pending
  // block must not be matched as computed: mark_ready() once its forward is scheduled.
  void index(int32_t block, int32_t parent, std::span<const int64_t> tokens, bool ready);
  void mark_ready(int32_t block);
  bool indexed(int32_t block) const { return info_[block].indexed; }

  PrefixCacheStats stats() const;

 private:
  struct Key {
    int32_t parent;
    std::vector<int64_t> tokens;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  struct Info {
    bool indexed = false, ready = false, in_lru = false;
    int32_t parent = -1;
    std::vector<int32_t> children;  // indexed blocks whose parent this is
    std::list<int32_t>::iterator lru_position;
    std::unordered_map<Key, int32_t, KeyHash>::iterator entry;
  };

  void evict(int32_t block);      // out of the index (and the LRU), with its descendants, to free
  void unindex(int32_t block);
  void unindex_subtree(int32_t block);
  void trim_to_limit();

  int64_t block_size_, limit_blocks_;
  std::vector<int32_t> refs_;
  std::vector<Info> info_;
  std::vector<int32_t> free_;     // a stack: the most recently freed block is reused first
  std::list<int32_t> lru_;        // unreferenced ready indexed blocks, least recently used first
  std::unordered_map<Key, int32_t, KeyHash> index_;
  int64_t hit_tokens_ = 0, evicted_ = 0;
};

}  // namespace regenesis
