#pragma once
// The filter gates of ReGenesis, per path, in the released order: self-judge (optional),
// "boxed" present, answer match against the gold answer, token length, step rewrite, and (rescue
// paths only) no echo of the hint prompt; then at most `max_paths` paths per question, chosen
// with a seeded shuffle. Every gate's verdict is stored; a path stops at its first failed gate.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/path_rewrite.h"
#include "pipeline/prompt_set.h"
#include "pipeline/run_config.h"
#include "pipeline/stage_plan.h"
#include "store/run_store.h"

namespace regenesis {

// Number of tokens of a text (the length gate); the model's tokenizer in a real run.
using TokenCounter = std::function<size_t(const std::string&)>;

struct MatchResult {
  bool correct = false;
  std::string extracted;
};
// Compares a path's final answer with the question's gold answer.
using AnswerMatcher = std::function<MatchResult(const std::string& path, const QuestionRow& question)>;

// "typed" (text/answer.h, per answer type) or "paper" (the released numeric matcher).
AnswerMatcher make_answer_matcher(const std::string& kind);
AnswerMatcher typed_answer_matcher();

struct FilterSettings {
  bool self_judge = false;
  bool require_boxed = true;
  int max_path_tokens = 800;
  int max_paths = 5;
  bool rewrite = true;
  RewriteOptions rewrite_options;
  std::vector<std::string> hint_echo_fragments;  // checked on hint-mode paths when non-empty
  uint64_t seed = 0;
  // The answer gate's name in the verdicts: "match" (gold answer) or "vote" (LMSI's majority).
  std::string match_gate = "match";
  // When set, a "dedup" gate after the others drops a path whose key equals that of an earlier
  // surviving path of the question (RFT: the path's equations), before the cap.
  std::function<std::string(const std::string& kept_text)> dedup_key;

  static FilterSettings from_config(const RunConfig& config, const PromptSet& prompts);
};

// Lines of the hint templates' fixed text long enough to be unmistakable (>= 24 bytes after
// whitespace collapsing); a rescue path that contains one repeats the hint prompt.
std::vector<std::string> hint_echo_fragments(const PromptSet& prompts);
// The same for any templates: their literal lines of 24+ bytes, normalised like rewritten paths.
std::vector<std::string> literal_fragments(const std::vector<std::string>& templates);

// The self-judge verdict of the released code: "yes" within the first 20 characters.
bool judge_says_yes(const std::string& reply);

struct QuestionFilterResult {
  std::vector<VerdictRecord> verdicts;
  std::vector<KeptRecord> kept;
};

QuestionFilterResult filter_question(const FilterSettings& settings, const QuestionRow& question,
                                     const std::vector<PathRecord>& paths,
                                     const StoredOutputs& outputs, const AnswerMatcher& matcher,
                                     const TokenCounter& count_tokens);

struct FilterSummary {
  int64_t paths = 0;
  int64_t kept = 0;
  int64_t questions_with_paths = 0;
  int64_t questions_solved = 0;
  std::map<std::string, int64_t> failed_at;  // gate -> paths that stopped there
  // LMSI: questions with a majority answer, and those whose majority equals the gold answer
  // (the pseudo labels' quality; reported, never used for selection).
  int64_t pseudo_labels = 0;
  int64_t pseudo_labels_correct = 0;
};

// Filters every path of `mode` and replaces that mode's verdicts and kept paths in the store.
FilterSummary filter_mode(const std::string& mode, const FilterSettings& settings,
                          const std::vector<QuestionRow>& questions, RunStore& store,
                          const AnswerMatcher& matcher, const TokenCounter& count_tokens);

}  // namespace regenesis
