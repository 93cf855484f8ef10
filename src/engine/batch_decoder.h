#pragma once
// The decoding loop behind TorchEngine (torch): continuous batching over the KV cache's slots.
// Each request is prefilled once; its n samples fork the prompt with copy_slot and decode side by
// side with every other live sequence; a finished sequence's slot goes to its request's next
// sample (the prompt is still in it) or else to the next waiting request.
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/generator.h"
#include "model/kv_cache.h"
#include "model/transformer.h"

namespace regenesis {

class Tokenizer;

struct PreparedRequest {
  const GenerationRequest* request;
  std::vector<int64_t> prompt;  // token ids, validated: non-empty, shorter than the cache
};

struct DecodeSettings {
  int64_t candidate_tokens = 0;   // logits [0, n) may be sampled (ids the tokenizer knows)
  std::vector<int64_t> eos_ids;   // a sampled id from here ends the completion (finish "stop")
  int64_t max_positions = 0;      // prompt + fed tokens per sequence (the context); 0: the cache's
  int64_t prefill_token_budget = 4096;  // padded prompt tokens per batched prefill forward
};

// Generates every request's completions into `cache` (its slots bound the batch; a sequence that
// reaches max_positions or fills its slot ends with finish "length").
// `on_result` runs as soon as a request's n completions are done.
void run_batched_decode(Transformer& model, KVCache& cache, const Tokenizer& tokenizer,
                        const DecodeSettings& settings, const std::vector<PreparedRequest>& requests,
                        const std::function<void(GenerationResult)>& on_result);

}  // namespace regenesis
