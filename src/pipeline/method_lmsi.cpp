// LMSI (Huang et al., 2022, "Large Language Models Can Self-Improve"): few-shot CoT samples,
// selected without gold answers: the paths whose extracted answer agrees with the majority
// answer of their question (majority_vote.h) are kept. The gold answer is only used to report
// how often the majority was right (the pseudo labels' quality), never to select. The other
// gates (boxed, length, rewrite, cap) are the config's, as for every method.
#include <map>

#include "pipeline/majority_vote.h"
#include "pipeline/method_cot.h"
#include "pipeline/run_session.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {
namespace {

struct TypedQuestion {
  AnswerType type;
  std::vector<std::string> choices;
};

TypedQuestion typed(const QuestionRow& q) {
  auto type = parse_answer_type(q.answer_type);
  if (!type) fail("question ", q.id, ": unknown answer_type \"", q.answer_type, "\"");
  TypedQuestion t{*type, {}};
  for (const auto& c : parse_json(q.choices_json, "question " + q.id + " choices"))
    t.choices.push_back(c.get<std::string>());
  return t;
}

class LmsiMethod : public CotMethod {
 public:
  LmsiMethod(const RunConfig& config, CotPromptSet prompts, const std::vector<QuestionRow>& questions)
      : CotMethod(config, std::move(prompts), questions) {
    if (config_.filter.self_judge)
      fail("filter.self_judge: the judge sees the gold answer, and LMSI selects without gold "
           "answers; turn it off for method = \"lmsi\"");
  }

  std::string title() const override { return method_title("lmsi"); }

  FilterSummary filter(RunSession& s, const std::string& mode,
                       const std::vector<QuestionRow>& questions) override {
    FilterSettings settings = base_settings(s);
    settings.match_gate = "vote";
    TokenCounter counter = length_counter(s, settings);
    std::map<std::string, std::vector<PathRecord>> by_question;
    for (auto& path : s.store().paths(mode)) by_question[path.question_id].push_back(std::move(path));
    FilterSummary summary;
    std::vector<VerdictRecord> verdicts;
    std::vector<KeptRecord> kept;
    for (const auto& q : questions) {
      auto it = by_question.find(q.id);
      if (it == by_question.end()) continue;
      const auto& paths = it->second;
      TypedQuestion t = typed(q);
      std::vector<std::optional<std::string>> answers;
      for (const auto& p : paths) {
        auto extracted = extract_answer(p.path, t.type, t.choices);
        answers.push_back(extracted ? std::optional<std::string>(extracted->text) : std::nullopt);
      }
      VoteOutcome vote = majority_vote(answers, [&](const std::string& a, const std::string& first) {
        return answers_match(a, first, t.type, t.choices);
      });
      if (vote.winner >= 0) {
        ++summary.pseudo_labels;
        if (answers_match(vote.majority, q.answer, t.type, t.choices)) ++summary.pseudo_labels_correct;
      }
      // The filter's answer gate asks per path text; identical texts have identical answers.
      std::map<std::string, MatchResult> verdict_of;
      for (size_t i = 0; i < paths.size(); ++i) {
        MatchResult r;
        r.correct = vote.agrees(i);
        r.extracted = (answers[i] ? *answers[i] : std::string("(no answer)")) + " (majority " +
                      (vote.winner >= 0 ? vote.majority : std::string("none")) + ", " +
                      std::to_string(vote.votes) + "/" + std::to_string(vote.voters) + " votes)";
        verdict_of[paths[i].path] = r;
      }
      AnswerMatcher matcher = [&](const std::string& text, const QuestionRow&) {
        return verdict_of.at(text);
      };
      auto r = filter_question(settings, q, paths, {}, matcher, counter);
      summary.paths += static_cast<int64_t>(paths.size());
      summary.questions_with_paths += 1;
      summary.kept += static_cast<int64_t>(r.kept.size());
      if (!r.kept.empty()) summary.questions_solved += 1;
      for (const auto& v : r.verdicts)
        if (!v.passed) summary.failed_at[v.gate] += 1;
      std::move(r.verdicts.begin(), r.verdicts.end(), std::back_inserter(verdicts));
      std::move(r.kept.begin(), r.kept.end(), std::back_inserter(kept));
    }
    s.store().replace_filter_results(mode, verdicts, kept);
    s.store().set_meta("pseudo_labels", OrderedJson{{"mode", mode},
                                                    {"questions", summary.pseudo_labels},
                                                    {"majority_correct", summary.pseudo_labels_correct}}
                                            .dump());
    return summary;
  }
};

}  // namespace

std::unique_ptr<Method> make_lmsi_method(const RunConfig& config, CotPromptSet prompts,
                                         const std::vector<QuestionRow>& questions) {
  return std::make_unique<LmsiMethod>(config, std::move(prompts), questions);
}

}  // namespace regenesis
