// STaR (Zelikman et al., 2022): few-shot CoT samples kept when their answer matches the gold
// answer; questions left without a kept path are "rationalized": sampled again with the gold
// answer as a hint (in the question's turn and in every worked example's, as STaR's
// rationalization prompts show it), and kept under the same gates plus the hint-echo gate. The
// export holds only the question and the path, so no hint reaches the data. Outer iterations
// (fine-tune, sample again) are in star_iterations.h.
#include <algorithm>

#include "pipeline/method_cot.h"
#include "pipeline/run_session.h"

namespace regenesis {
namespace {

class StarMethod : public CotMethod {
 public:
  using CotMethod::CotMethod;

  std::string title() const override { return method_title("star"); }

  FilterSummary filter(RunSession& s, const std::string& mode,
                       const std::vector<QuestionRow>& questions) override {
    s.judge(mode, config_.synthesis.sampling, questions);
    FilterSettings settings = base_settings(s);
    settings.hint_echo_fragments.clear();
    if (config_.rescue.drop_hint_echo) settings.hint_echo_fragments = star_hint_fragments();
    return filter_mode(mode, settings, questions, s.store(), make_answer_matcher(config_.filter.match),
                       length_counter(s, settings));
  }

  bool has_rescue() const override {
    return config_.rescue.enabled && config_.star.rationalize_paths > 0;
  }

  RescueSummary rescue(RunSession& s) override {
    RescueSummary summary;
    auto unsolved = questions_without_kept_path(s.store(), s.questions(), main_paths_per_question(),
                                                summary.incomplete);
    summary.unsolved = static_cast<int64_t>(unsolved.size());
    summary.synthesis = sample(s, "hint", unsolved, config_.star.rationalize_paths, true);
    summary.filter = s.filter_for("hint", unsolved);
    return summary;
  }

 private:
  // A rationale that repeats the hint's wording, or mentions a hint at all, leans on what the
  // training prompt will not show: the fixed lines of the hint template, and the word itself.
  std::vector<std::string> star_hint_fragments() const {
    auto fragments = literal_fragments({prompts_.hint_question});
    // Only the lines the hint adds: the question template's own lines are in every path's prompt.
    auto plain = literal_fragments({prompts_.question});
    std::erase_if(fragments, [&](const std::string& f) {
      return std::find(plain.begin(), plain.end(), f) != plain.end();
    });
    for (const char* word : {"hint", "Hint", "HINT"}) fragments.push_back(word);
    return fragments;
  }
};

}  // namespace

std::unique_ptr<Method> make_star_method(const RunConfig& config, CotPromptSet prompts,
                                         const std::vector<QuestionRow>& questions) {
  return std::make_unique<StarMethod>(config, std::move(prompts), questions);
}

}  // namespace regenesis
