#pragma once
// The chain-of-thought baselines share their sampling: synthesis.paths samples per question of
// the CoT prompt (synthesis.shots worked examples, then the question), stored as EXECUTE
// outputs of candidates 0..paths-1 in mode "main". They differ in selection (and STaR in its
// rationalization step): method_star.cpp, method_lmsi.cpp, method_rft.cpp.
#include <memory>
#include <string>
#include <vector>

#include "pipeline/cot_prompts.h"
#include "pipeline/method_baselines.h"

namespace regenesis {

class CotMethod : public Method {
 public:
  CotMethod(const RunConfig& config, CotPromptSet prompts, const std::vector<QuestionRow>& questions);

  std::string prompt_fingerprint() const override { return prompts_.fingerprint(); }
  int main_paths_per_question() const override { return config_.synthesis.paths; }
  SynthesisCounts synthesize(RunSession& session) override;

  const CotPromptSet& cot_prompts() const { return prompts_; }

 protected:
  // `n` paths per question of `mode` ("main", or "hint" with the gold answer in the prompt).
  SynthesisCounts sample(RunSession& session, const std::string& mode,
                         const std::vector<QuestionRow>& questions, int n, bool hint);
  // The filter settings of the config (every gate as ReGenesis has them).
  FilterSettings base_settings(RunSession& session) const;

  RunConfig config_;
  CotPromptSet prompts_;
};

std::unique_ptr<Method> make_star_method(const RunConfig& config, CotPromptSet prompts,
                                         const std::vector<QuestionRow>& questions);
std::unique_ptr<Method> make_lmsi_method(const RunConfig& config, CotPromptSet prompts,
                                         const std::vector<QuestionRow>& questions);
std::unique_ptr<Method> make_rft_method(const RunConfig& config, CotPromptSet prompts,
                                        const std::vector<QuestionRow>& questions);

}  // namespace regenesis
