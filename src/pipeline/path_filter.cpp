#include "pipeline/path_filter.h"

#include <algorithm>

#include "pipeline/hashing.h"
#include "pipeline/paper_match.h"
#include "text/unicode_utf8.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {

AnswerMatcher make_answer_matcher(const std::string& kind) {
  if (kind == "typed") return typed_answer_matcher();
  if (kind == "paper") {
    return [](const std::string& path, const QuestionRow& question) {
      MatchResult r;
      r.correct = paper::check_em(path, question.answer, &r.extracted);
      return r;
    };
  }
  fail("filter.match: unknown matcher \"", kind, "\" (use \"typed\" or \"paper\")");
}

FilterSettings FilterSettings::from_config(const RunConfig& config, const PromptSet& prompts) {
  FilterSettings s;
  s.self_judge = config.filter.self_judge;
  s.require_boxed = config.filter.require_boxed;
  s.max_path_tokens = config.filter.max_path_tokens;
  s.max_paths = config.filter.max_paths;
  s.rewrite = config.rewrite.enabled;
  s.rewrite_options.drop_first_paragraph_steps = config.rewrite.drop_first_paragraph_steps;
  s.rewrite_options.list_markers = config.rewrite.step_marker == "list";
  s.rewrite_options.prefix = config.rewrite.prefix;
  if (config.rescue.drop_hint_echo) s.hint_echo_fragments = regenesis::hint_echo_fragments(prompts);
  s.seed = config.seed;
  return s;
}

std::vector<std::string> hint_echo_fragments(const PromptSet& prompts) {
  return literal_fragments(
      {prompts.hint_select, prompts.hint_adapt, prompts.hint_implement, prompts.hint_execute});
}

std::vector<std::string> literal_fragments(const std::vector<std::string>& templates) {
  std::vector<std::string> fragments;
  for (const std::string& templ : templates) {
    // Literal text between placeholders, line by line, normalised like rewritten paths.
    std::string literal = replace_box_placeholder(templ);
    for (const char* name : {"{question}", "{answer}", "{selected}", "{adapted}", "{structure}",
                             "{guidelines}", "{guidelines_numbered}"})
      literal = replace_all(literal, name, "\n");
    for (const auto& line : split(literal, '\n')) {
      for (const auto& piece : split_paragraphs(line))
        if (piece.size() >= 24) fragments.push_back(piece);
    }
  }
  std::sort(fragments.begin(), fragments.end());
  fragments.erase(std::unique(fragments.begin(), fragments.end()), fragments.end());
  return fragments;
}

bool judge_says_yes(const std::string& reply) {
  // Python c[:20].lower(): the first 20 code points.
  size_t pos = 0;
  for (int n = 0; n < 20 && pos < reply.size(); ++n) unicode::next_codepoint(reply, pos);
  return to_lower_ascii(reply.substr(0, pos)).find("yes") != std::string::npos;
}

namespace {

// A seeded Fisher-Yates shuffle with our own generator, so the choice is the same on every
// platform (std::shuffle's algorithm is not specified).
std::vector<size_t> seeded_order(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  uint64_t state = seed;
  for (size_t i = n; i > 1; --i) {
    state = derive_seed(state, "shuffle");
    std::swap(order[i - 1], order[state % i]);
  }
  return order;
}

}  // namespace

QuestionFilterResult filter_question(const FilterSettings& settings, const QuestionRow& question,
                                     const std::vector<PathRecord>& paths,
                                     const StoredOutputs& outputs, const AnswerMatcher& matcher,
                                     const TokenCounter& count_tokens) {
  QuestionFilterResult result;
  struct Survivor {
    int candidate;
    std::string text;
  };
  std::vector<Survivor> survivors;
  std::map<std::string, int> dedup_first;  // dedup key -> first surviving candidate
  for (const auto& path : paths) {
    auto verdict = [&](const char* gate, bool passed, std::string detail) {
      result.verdicts.push_back({question.id, path.mode, path.candidate, gate, passed, std::move(detail)});
      return passed;
    };
    if (settings.self_judge) {
      auto it = outputs.find({path.candidate, "judge"});
      bool yes = it != outputs.end() && judge_says_yes(it->second.text);
      std::string detail = it == outputs.end() ? "no judge output" : it->second.text.substr(0, 40);
      if (!verdict("judge", yes, detail)) continue;
    }
    if (settings.require_boxed &&
        !verdict("boxed", path.path.find("boxed") != std::string::npos, ""))
      continue;
    MatchResult match = matcher(path.path, question);
    if (!verdict(settings.match_gate.c_str(), match.correct, match.extracted)) continue;
    if (settings.max_path_tokens > 0) {
      size_t tokens = count_tokens(path.path);
      if (!verdict("length", tokens < static_cast<size_t>(settings.max_path_tokens),
                   std::to_string(tokens)))
        continue;
    }
    std::string kept_text = path.path;
    if (settings.rewrite) {
      auto rewritten = rewrite_path(path.path, settings.rewrite_options);
      if (!verdict("rewrite", rewritten.has_value(), "")) continue;
      kept_text = *rewritten;
    }
    if (path.mode == "hint" && !settings.hint_echo_fragments.empty()) {
      std::string echoed;
      for (const auto& fragment : settings.hint_echo_fragments)
        if (kept_text.find(fragment) != std::string::npos) echoed = fragment;
      if (!verdict("hint_echo", echoed.empty(), echoed)) continue;
    }
    if (settings.dedup_key) {
      std::string key = settings.dedup_key(kept_text);
      auto first = dedup_first.emplace(key, path.candidate).first;
      if (!verdict("dedup", first->second == path.candidate,
                   first->second == path.candidate ? "" : "same as candidate " + std::to_string(first->second)))
        continue;
    }
    survivors.push_back({path.candidate, std::move(kept_text)});
  }
  // Cap: a seeded choice of max_paths survivors, kept in candidate order.
  std::vector<bool> chosen(survivors.size(), true);
  if (settings.max_paths > 0 && survivors.size() > static_cast<size_t>(settings.max_paths)) {
    std::fill(chosen.begin(), chosen.end(), false);
    std::string mode = paths.empty() ? "" : paths.front().mode;
    auto order = seeded_order(survivors.size(), derive_seed(settings.seed, "cap/" + mode + "/" + question.id));
    for (int i = 0; i < settings.max_paths; ++i) chosen[order[i]] = true;
  }
  for (size_t i = 0; i < survivors.size(); ++i) {
    const std::string& mode = paths.front().mode;
    result.verdicts.push_back({question.id, mode, survivors[i].candidate, "cap", chosen[i], ""});
    if (chosen[i]) result.kept.push_back({question.id, mode, survivors[i].candidate, survivors[i].text});
  }
  return result;
}

FilterSummary filter_mode(const std::string& mode, const FilterSettings& settings,
                          const std::vector<QuestionRow>& questions, RunStore& store,
                          const AnswerMatcher& matcher, const TokenCounter& count_tokens) {
  std::map<std::string, std::vector<PathRecord>> by_question;
  for (auto& path : store.paths(mode)) by_question[path.question_id].push_back(std::move(path));
  FilterSummary summary;
  std::vector<VerdictRecord> verdicts;
  std::vector<KeptRecord> kept;
  for (const auto& question : questions) {
    auto it = by_question.find(question.id);
    if (it == by_question.end()) continue;
    StoredOutputs outputs;
    if (settings.self_judge) outputs = store.outputs_for(question.id, mode);
    auto r = filter_question(settings, question, it->second, outputs, matcher, count_tokens);
    summary.paths += static_cast<int64_t>(it->second.size());
    summary.questions_with_paths += 1;
    summary.kept += static_cast<int64_t>(r.kept.size());
    if (!r.kept.empty()) summary.questions_solved += 1;
    for (const auto& v : r.verdicts)
      if (!v.passed) summary.failed_at[v.gate] += 1;
    std::move(r.verdicts.begin(), r.verdicts.end(), std::back_inserter(verdicts));
    std::move(r.kept.begin(), r.kept.end(), std::back_inserter(kept));
  }
  store.replace_filter_results(mode, verdicts, kept);
  return summary;
}

}  // namespace regenesis
