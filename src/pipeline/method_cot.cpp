// CotMethod: the sampling the chain-of-thought baselines share, and their factory.
#include "pipeline/method_cot.h"

#include "pipeline/run_session.h"

namespace regenesis {

CotMethod::CotMethod(const RunConfig& config, CotPromptSet prompts,
                     const std::vector<QuestionRow>& questions)
    : config_(config), prompts_(std::move(prompts)) {
  // Every question needs worked examples when the prompt is few-shot: fail before any write.
  if (config_.synthesis.shots != 0)
    for (const auto& q : questions) prompts_.history(q, config_.synthesis.shots, false);
}

SynthesisCounts CotMethod::sample(RunSession& s, const std::string& mode,
                                  const std::vector<QuestionRow>& questions, int n, bool hint) {
  const int shots = config_.synthesis.shots;
  auto due = [&](const QuestionRow& q, const StoredOutputs& done) {
    // The turns are the same for every candidate of a question: built once, copied per request.
    std::vector<ChatMessage> history = prompts_.history(q, shots, hint);
    std::string user = prompts_.user_turn(q, hint);
    return due_path_requests(q, mode, n, done, [&](int, PendingRequest& r) {
      r.history = history;
      r.user = user;
    });
  };
  std::string label = hint ? "rationalize (hints)" : "sample (" + config_.method + ")";
  return synthesize_paths(mode, label, n, questions, config_.synthesis.chunk_questions,
                          config_.synthesis.sampling, s.store(), s.runner(), due);
}

SynthesisCounts CotMethod::synthesize(RunSession& s) {
  return sample(s, "main", s.questions(), config_.synthesis.paths, false);
}

FilterSettings CotMethod::base_settings(RunSession& s) const {
  return FilterSettings::from_config(config_, s.prompts());
}

std::unique_ptr<Method> make_cot_method(const RunConfig& config,
                                        const std::vector<QuestionRow>& questions) {
  CotPromptSet prompts = config.synthesis.prompts.empty()
                             ? CotPromptSet::builtin(config.synthesis.fewshot)
                             : CotPromptSet::load_directory(config.synthesis.prompts, config.synthesis.fewshot);
  if (config.method == "star") return make_star_method(config, std::move(prompts), questions);
  if (config.method == "lmsi") return make_lmsi_method(config, std::move(prompts), questions);
  return make_rft_method(config, std::move(prompts), questions);
}

}  // namespace regenesis
