#pragma once
// The embedded engine: a Hugging Face model directory loaded into this process and decoded with
// the KV cache, many sequences at once (continuous batching: a finished sequence's slot goes to
// waiting work at once; a request's n samples share one prefill, forked with copy_slot).
// No torch types here (pimpl), so the CLI, pipeline and server include it cheaply.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "model/config.h"

namespace regenesis {

class Tokenizer;

struct EngineOptions {
  std::string dtype = "f32";   // f32 | bf16: weights and KV cache
  int threads = 0;             // 0: one per core (at::set_num_threads is process-wide)
  int max_batch = 16;          // sequences decoded together (KV cache slots)
  int max_context = 0;         // positions per sequence; 0: the model's max_position_embeddings
  std::string chat_template;   // a template name instead of the one the model dir declares
};

class TorchEngine : public Generator {
 public:
  // Loads config, weights, tokenizer and the stop ids; the chat template is loaded on first use,
  // so a model without one still serves raw prompts. Error when the dir or a file is missing.
  explicit TorchEngine(const std::filesystem::path& model_dir, EngineOptions options = {});
  ~TorchEngine() override;
  TorchEngine(const TorchEngine&) = delete;
  TorchEngine& operator=(const TorchEngine&) = delete;

  // One call at a time per engine (callers that serve many clients queue their requests).
  // Raw prompts are tokenized as written (add_special_tokens=false: special tokens in the text,
  // such as a BOS, count as such); messages go through the chat template first. A completion's
  // completion_tokens counts every sampled token, including a final EOS. Throws Error for an
  // empty prompt, a prompt that leaves no room in the context, or bad sampling parameters,
  // before any generation starts.
  void generate(const std::vector<GenerationRequest>& requests,
                const std::function<void(GenerationResult)>& on_result) override;
  std::string describe() const override;

  // The prompt token ids generate() would feed for `request`.
  std::vector<int64_t> prompt_tokens(const GenerationRequest& request) const;
  const Tokenizer& tokenizer() const;
  const ModelConfig& config() const;
  const std::vector<int64_t>& eos_ids() const;  // every id that ends a completion
  int max_context() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regenesis
