#pragma once
// Sends a list of pending requests to a Generator in one call and commits each completion to
// the store the moment it arrives (in the on_result callback), with a sampling seed derived
// from (run seed, request key) so the text does not depend on batching or on where a run was
// resumed.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "pipeline/stage_plan.h"
#include "store/run_store.h"
#include "text/chat_template.h"
#include "util/log.h"

namespace regenesis {

// Turns a user turn into what the Generator gets: chat messages (system + user) for the
// backend's own template when `chat_template` is empty, else a raw prompt rendered with the
// named ChatTemplate (e.g. "paper-llama-3", the paper's FastChat template).
class PromptRenderer {
 public:
  PromptRenderer(std::string system, const std::string& chat_template);
  GenerationRequest request(std::string id, const std::string& user, SamplingParams params) const;
  // The same with earlier turns (few-shot examples) between the system message and `user`.
  GenerationRequest request(std::string id, const std::vector<ChatMessage>& history,
                            const std::string& user, SamplingParams params) const;
  // The exact text that reaches the model (raw prompt, or the messages serialised).
  std::string identity(const GenerationRequest& request) const;

 private:
  std::string system_;
  std::optional<ChatTemplate> template_;
};

SamplingParams sampling_params(const SamplingConfig& config, uint64_t seed);

class StageRunner {
 public:
  StageRunner(Generator& generator, RunStore& store, const PromptRenderer& renderer,
              uint64_t run_seed);
  // Runs `pending` as one Generator call. `on_commit` sees every stored record (after commit).
  void run(const std::vector<PendingRequest>& pending, const SamplingConfig& sampling,
           Progress* progress, const std::function<void(const OutputRecord&)>& on_commit = {});

  int64_t generated_tokens() const { return generated_tokens_; }

 private:
  Generator& generator_;
  RunStore& store_;
  const PromptRenderer& renderer_;
  uint64_t run_seed_;
  int64_t generated_tokens_ = 0;
};

}  // namespace regenesis
