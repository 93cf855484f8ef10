// Rejection-sampling fine-tuning (Yuan et al., 2023): zero-shot CoT samples (synthesis.shots
// = 0 by default), kept when their answer matches the gold answer, deduplicated by their list
// of equations (equations.h; rft.dedup) so that the cap keeps distinct reasoning, then capped
// per question (filter.max_paths). No hint step.
#include "pipeline/equations.h"
#include "pipeline/method_cot.h"
#include "pipeline/run_session.h"

namespace regenesis {
namespace {

class RftMethod : public CotMethod {
 public:
  using CotMethod::CotMethod;

  std::string title() const override { return method_title("rft"); }

  FilterSummary filter(RunSession& s, const std::string& mode,
                       const std::vector<QuestionRow>& questions) override {
    s.judge(mode, config_.synthesis.sampling, questions);
    FilterSettings settings = base_settings(s);
    if (config_.rft.dedup != "none") {
      std::string rule = config_.rft.dedup;
      settings.dedup_key = [rule](const std::string& text) { return dedup_key(text, rule); };
    }
    return filter_mode(mode, settings, questions, s.store(), make_answer_matcher(config_.filter.match),
                       length_counter(s, settings));
  }
};

}  // namespace

std::unique_ptr<Method> make_rft_method(const RunConfig& config, CotPromptSet prompts,
                                        const std::vector<QuestionRow>& questions) {
  return std::make_unique<RftMethod>(config, std::move(prompts), questions);
}

}  // namespace regenesis
