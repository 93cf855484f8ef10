#pragma once
// The released ReGenesis exact-match filter (process_reason.py: _last_boxed_only_string,
// match_answer, check_results_em), ported with its quirks, for `filter.match = "paper"`.
// docs/PIPELINE.md lists the quirks; the tests pin each one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regenesis::paper {

// Python str.isspace() for one code point (what str.strip() and re's \s use).
bool is_python_space(char32_t cp);
// Python str.strip() on UTF-8 text.
std::string python_strip(std::string_view text);

// Content of the last "\boxed" (or, when there is none, the last "\fbox") with brace matching,
// stripped; nullopt when absent or unbalanced (_last_boxed_only_string).
std::optional<std::string> last_boxed_only_string(std::string_view text);

// Python repr() of a float (shortest round trip; exponent form below 1e-4 and from 1e16).
std::string python_float_repr(double value);

// match_answer: the up-to-4 candidate strings from the first and last number of the boxed
// content (or the whole text when there is no non-empty box).
struct MatchCandidates {
  std::vector<std::string> candidates;
  std::optional<std::string> boxed;
};
MatchCandidates match_answer(std::string_view response);

// The ground truth as check_results_em normalises it.
std::string normalize_truth(std::string truth);

// check_results_em for one solution; `extracted` gets what was compared (for the verdict).
bool check_em(std::string_view solution, const std::string& truth, std::string* extracted = nullptr);

}  // namespace regenesis::paper
