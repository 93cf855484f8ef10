#pragma once
// The scheduler behind TorchEngine (torch): continuous batching over a paged KV cache.
//
// Every step is one forward over a ragged batch: one token for each decoding sequence, plus
// chunks of prompts being prefilled (up to prefill_chunk_tokens per step), so new requests join
// and finished sequences leave at every step. Prompts are looked up in the prefix cache first
// (engine/block_manager.h) and only their uncached tail is computed; a request's n samples share
// its prompt blocks (the partly filled last block is copied per sample). Admission reserves each
// sample's worst case (its max_tokens) of blocks, so a running sequence never waits for memory
// and the pool (KVCache) bounds the memory of everything in flight.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "engine/block_manager.h"
#include "engine/generator.h"
#include "model/kv_cache.h"
#include "model/transformer.h"

namespace regenesis {

class Tokenizer;

struct DecodeSettings {
  int64_t candidate_tokens = 0;   // logits [0, n) may be sampled (ids the tokenizer knows)
  std::vector<int64_t> eos_ids;   // a sampled id from here ends the completion (finish "stop")
  int64_t max_positions = 0;      // prompt + fed tokens per sequence (the context)
  int64_t max_sequences = 16;     // sequences decoded together
  int64_t prefill_chunk_tokens = 512;  // prompt tokens computed per step, across requests
  int64_t prefix_cache_tokens = 0;     // limit of the prefix cache (0: off)
};

using DecodeStats = EngineStats;

// A request the engine accepted: validated, tokenized, with the callback for its result.
struct Submission {
  uint64_t ticket = 0;
  GenerationRequest request;
  std::vector<int64_t> prompt;
  std::function<void(GenerationResult)> on_result;
  // Optional: the text of sample `sample` as it settles (never a byte a stop string may still
  // cut), called in order before on_result; the pieces of a sample add up to its final text.
  std::function<void(int sample, const std::string& piece)> on_text;
};

class BatchDecoder {
 public:
  BatchDecoder(Transformer& model, KVCache& cache, const Tokenizer& tokenizer, DecodeSettings settings);
  ~BatchDecoder();

  // Blocks one sample of a request needs beyond what it shares: its prompt's blocks plus its own
  // generated positions; a request whose one sample cannot fit in the pool can never run.
  int64_t blocks_for_one_sample(int64_t prompt_length, int max_tokens) const;

  void add(Submission submission);
  // Drops a request wherever it is (waiting, prefilling, decoding); its callback never runs.
  // False when it is not (or no longer) here.
  bool cancel(uint64_t ticket);
  bool idle() const;
  // One forward and what follows it: sampling, finished completions reported through their
  // requests' callbacks (from this thread). Does nothing when idle.
  void step();
  // After a failed step: forgets every request (returned, for their owners to be told) and
  // every cached block, whose contents can no longer be trusted.
  std::vector<uint64_t> abandon_all();

  const DecodeStats& stats();
  const DecodeSettings& settings() const { return settings_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DecodeSettings settings_;
  DecodeStats stats_;
};

}  // namespace regenesis
