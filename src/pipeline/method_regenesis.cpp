// The ReGenesis method (docs/PIPELINE.md), the factory of every method, and what the methods
// with a hint step share.
#include <map>
#include <set>

#include "pipeline/method_baselines.h"
#include "pipeline/run_session.h"
#include "pipeline/stage_plan.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis {
namespace {

class RegenesisMethod : public Method {
 public:
  RegenesisMethod(const RunConfig& config, const PromptSet& prompts)
      : config_(config), prompts_(prompts) {}

  std::string title() const override { return method_title("regenesis"); }
  std::string prompt_fingerprint() const override { return prompts_.fingerprint(); }
  int main_paths_per_question() const override { return main_plan(config_, prompts_).candidates(); }

  SynthesisCounts synthesize(RunSession& s) override {
    return synthesize_mode(main_plan(config_, prompts_), s.questions(),
                           config_.synthesis.chunk_questions, s.store(), s.runner());
  }

  FilterSummary filter(RunSession& s, const std::string& mode,
                       const std::vector<QuestionRow>& questions) override {
    s.judge(mode, mode == "main" ? config_.synthesis.sampling : config_.rescue.sampling, questions);
    auto settings = FilterSettings::from_config(config_, prompts_);
    return filter_mode(mode, settings, questions, s.store(), make_answer_matcher(config_.filter.match),
                       length_counter(s, settings));
  }

  bool has_rescue() const override { return config_.rescue.enabled; }

  RescueSummary rescue(RunSession& s) override {
    RescueSummary summary;
    auto unsolved = questions_without_kept_path(s.store(), s.questions(), main_paths_per_question(),
                                                summary.incomplete);
    summary.unsolved = static_cast<int64_t>(unsolved.size());
    summary.synthesis = synthesize_mode(hint_plan(config_, prompts_), unsolved,
                                        config_.synthesis.chunk_questions, s.store(), s.runner());
    summary.filter = s.filter_for("hint", unsolved);
    return summary;
  }

 private:
  // Copies: a session outlives nothing it hands out, but the method must not dangle either.
  RunConfig config_;
  PromptSet prompts_;
};

}  // namespace

RescueSummary Method::rescue(RunSession&) { return {}; }

std::string method_title(const std::string& method) {
  static const std::map<std::string, std::string> titles = {
      {"regenesis", "ReGenesis"}, {"star", "STaR"}, {"lmsi", "LMSI"}, {"rft", "RFT"},
      {"task_sd", "task-level Self-Discover"}};
  auto it = titles.find(method);
  return it == titles.end() ? method : it->second;
}

TokenCounter length_counter(RunSession& session, const FilterSettings& settings) {
  if (settings.max_path_tokens <= 0) return [](const std::string&) { return size_t{0}; };
  return session.token_counter();
}

std::vector<QuestionRow> questions_without_kept_path(RunStore& store,
                                                     const std::vector<QuestionRow>& questions,
                                                     int main_paths, int64_t& incomplete) {
  std::map<std::string, int> paths_per_question;
  for (const auto& p : store.paths("main")) paths_per_question[p.question_id] += 1;
  std::set<std::string> solved;
  for (const auto& k : store.kept("main")) solved.insert(k.question_id);
  std::vector<QuestionRow> unsolved;
  for (const auto& q : questions) {
    if (solved.count(q.id)) continue;
    if (paths_per_question[q.id] < main_paths) {
      ++incomplete;
      continue;
    }
    unsolved.push_back(q);
  }
  if (incomplete > 0)
    log_warn(std::to_string(incomplete) +
             " questions have unfinished main synthesis and were not rescued; run synthesize first");
  return unsolved;
}

std::unique_ptr<Method> make_method(const RunConfig& config, const PromptSet& prompts,
                                    const std::vector<QuestionRow>& questions) {
  if (config.method == "regenesis") return std::make_unique<RegenesisMethod>(config, prompts);
  if (config.method == "task_sd") return make_task_sd_method(config, prompts, questions);
  if (is_cot_method(config.method)) return make_cot_method(config, questions);
  fail("method: unknown method \"", config.method, "\"");
}

}  // namespace regenesis
