#pragma once
// The embedded engine: a Hugging Face model directory loaded into this process and decoded on a
// scheduler thread with continuous batching over a paged KV cache (engine/batch_decoder.h):
// requests join and leave the running batch at every step, prompts reuse the K/V of any prefix
// seen before (the prefix cache), a request's n samples share one prefilled prompt.
// No torch types here (pimpl), so the CLI, pipeline and server include it cheaply.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine_stats.h"
#include "engine/generator.h"
#include "model/config.h"

namespace regenesis {

class Tokenizer;

struct EngineOptions {
  // auto | f32 | bf16: weights, activations and KV cache. auto: bf16 where the CPU has native
  // bfloat16 arithmetic (AVX512_BF16 or AMX), else f32.
  std::string dtype = "auto";
  int threads = 0;             // 0: one per core (at::set_num_threads is process-wide)
  int max_batch = 16;          // sequences decoded together
  int max_context = 0;         // positions per sequence; 0: the model's max_position_embeddings
  // Positions in the KV block pool, allocated once: the memory bound of everything in flight
  // (kv_cache_bytes() states it). 0: max_batch * min(max_context, 2048), at least one context.
  int64_t kv_cache_tokens = 0;
  // Prefix cache limit: tokens kept in blocks no running sequence uses (LRU beyond it); they
  // come out of the pool above. -1: a quarter of the pool; 0: no prefix cache.
  int64_t prefix_cache_tokens = -1;
  int block_size = 16;         // positions per KV block (the prefix cache's granularity)
  int prefill_chunk = 512;     // prompt tokens computed per step, alongside the decoding rows
  std::string chat_template;   // a template name instead of the one the model dir declares
};

class TorchEngine : public Generator {
 public:
  // Loads config, weights, tokenizer and the stop ids, and allocates the KV pool; the chat
  // template is loaded on first use, so a model without one still serves raw prompts. Error when
  // the dir or a file is missing or an option is out of range.
  explicit TorchEngine(const std::filesystem::path& model_dir, EngineOptions options = {});
  ~TorchEngine() override;  // cancels what is still in flight (no callbacks) and joins the thread
  TorchEngine(const TorchEngine&) = delete;
  TorchEngine& operator=(const TorchEngine&) = delete;

  // Submits every request, then waits; results are reported on the calling thread as each
  // request's n completions are done. Other threads may submit() or generate() at the same time:
  // everything shares the running batch. Raw prompts are tokenized as written
  // (add_special_tokens=false: special tokens in the text, such as a BOS, count as such);
  // messages go through the chat template first. A completion's completion_tokens counts every
  // sampled token, including a final EOS. Throws Error for an empty prompt, a prompt that leaves
  // no room in the context, or bad sampling parameters, before any generation starts; if
  // on_result throws, the requests not yet reported are cancelled and the exception propagates.
  void generate(const std::vector<GenerationRequest>& requests,
                const std::function<void(GenerationResult)>& on_result) override;
  std::string describe() const override;

  // Thread-safe: validates and queues one request for the scheduler thread and returns its
  // ticket at once (Error, before queueing, for a request generate() would reject). on_result
  // runs on the scheduler thread when its n completions are done (keep it short; it must not
  // throw); on_error, if the engine fails while the request is in flight (never both).
  using ResultCallback = std::function<void(GenerationResult)>;
  using ErrorCallback = std::function<void(const std::string& message)>;
  // on_text (optional) streams each sample's text as it is generated, on the scheduler thread:
  // pieces in order, never a byte a stop string may still cut, adding up to the final text.
  using TextCallback = std::function<void(int sample, const std::string& piece)>;
  uint64_t submit(GenerationRequest request, ResultCallback on_result, ErrorCallback on_error = {},
                  TextCallback on_text = {});
  // Thread-safe: drops a submitted request (its callbacks will not run unless already running).
  void cancel(uint64_t ticket);
  // Counters of the work done so far (prefill tokens computed vs. requested, prefix cache hits,
  // forwards, ...), as of the last finished step.
  EngineStats stats() const;

  // The prompt token ids generate() would feed for `request`.
  std::vector<int64_t> prompt_tokens(const GenerationRequest& request) const;
  const Tokenizer& tokenizer() const;
  const ModelConfig& config() const;
  const std::vector<int64_t>& eos_ids() const;  // every id that ends a completion
  int max_context() const;
  std::string dtype() const;          // the resolved dtype: "f32" or "bf16"
  int64_t kv_cache_tokens() const;    // positions in the KV pool
  int64_t kv_cache_bytes() const;     // its memory (allocated once, touched as it fills)
  int64_t prefix_cache_tokens() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regenesis
