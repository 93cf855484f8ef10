#pragma once
// TorchEngine's insides, shared by torch_engine.cpp (loading, requests, generate) and
// torch_engine_loop.cpp (the scheduler thread). Internal to the engine module.
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/batch_decoder.h"
#include "engine/torch_engine.h"
#include "model/kv_cache.h"
#include "model/transformer.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"

namespace regenesis {

struct TorchEngine::Impl {
  std::filesystem::path dir;
  EngineOptions options;
  std::string dtype_name;
  at::ScalarType dtype;
  int threads = 1;
  std::optional<Transformer> model;
  std::optional<Tokenizer> tokenizer;
  mutable std::mutex chat_mutex;
  mutable std::optional<ChatTemplate> chat_template;  // loaded on first use
  std::vector<int64_t> eos_ids;
  int max_context = 0;
  int64_t prefix_cache_tokens = 0;
  std::unique_ptr<KVCache> cache;
  std::unique_ptr<BatchDecoder> decoder;  // touched only by the scheduler thread once it runs

  // Shared with the scheduler thread, under `mutex`.
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Submission> inbox;
  std::vector<uint64_t> cancels;
  std::map<uint64_t, ErrorCallback> error_callbacks;  // requests in flight
  EngineStats stats_snapshot;
  uint64_t next_ticket = 1;
  bool stopping = false;
  std::thread loop;

  const ChatTemplate& chat() const;
  // Validates and tokenizes; Error naming the request for anything generate() rejects.
  std::vector<int64_t> prepare(const GenerationRequest& request) const;
  uint64_t enqueue(GenerationRequest request, std::vector<int64_t> prompt, ResultCallback on_result,
                   ErrorCallback on_error, TextCallback on_text = {});
  void run_loop();
};

}  // namespace regenesis
