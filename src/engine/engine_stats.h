#pragma once
// What the embedded engine has done since it was made (TorchEngine::stats()). No torch here.
#include <cstdint>

namespace regenesis {

struct PrefixCacheStats {
  int64_t cached_tokens = 0;     // tokens in unreferenced cached blocks (the limit applies here)
  int64_t indexed_blocks = 0;    // blocks in the index, referenced or not
  int64_t hit_tokens = 0;        // prompt tokens served from the cache, over all matches
  int64_t evicted_blocks = 0;
};

struct EngineStats {
  int64_t requests = 0, completions = 0;
  int64_t prompt_tokens = 0;        // prompt length x n summed: what a cache-less engine computes
  int64_t prefill_tokens = 0;       // prompt tokens actually run through the model
  int64_t prefix_hit_tokens = 0;    // prompt tokens whose K/V came from the prefix cache
  int64_t generated_tokens = 0;     // tokens sampled
  int64_t steps = 0;                // forwards
  double forward_seconds = 0, sample_seconds = 0;
  // Steps with no prompt tokens in them (pure decoding): their wall time and tokens fed, which
  // give the decode throughput of whatever batch was running.
  double decode_only_seconds = 0;
  int64_t decode_only_tokens = 0, decode_only_steps = 0;
  int64_t peak_blocks_in_use = 0;   // KV blocks referenced at once, at most
  PrefixCacheStats prefix_cache;
};

}  // namespace regenesis
