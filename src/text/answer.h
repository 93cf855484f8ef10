#pragma once
// Final-answer extraction from a model's completion and equivalence with the gold answer, per
// answer type. This is the grader of the filter stage and of `eval`/`grade`.
//
// Extraction order (PAPER.md section 7, the Eurus `match_answer` cues, made stricter about what
// counts as an answer and with type-aware fallbacks):
//   1. the last \boxed{...} / \fbox{...} when it comes after the last answer cue (or there is no
//      cue): method "boxed";
//   2. the first sentence after the last answer cue: "answer is", "answer:", "answers are",
//      "final answer is", "answer would/will/should be", "answer =" (any case; ':' and markdown '*'
//      after the cue are skipped): method "answer_is"; GSM8K's "#### 18": method "gsm8k_marker".
//      Not a cue: "check/verify/confirm ... answer", a markdown header "#### Step 1", or a
//      remark ("the answer is correct / unique / not ... / in lowest terms"); after a box, a
//      cue sentence of more than 12 words outside $...$ is taken as prose about the box;
//   3. the sentence before "is the answer" / "is the correct answer" / "is the final answer":
//      method "is_the_answer";
//   4. a \boxed{} that came before the cue, when the cue's sentence held no answer: "boxed";
//   5. a fallback by type:
//        number  the last number in the text                      "last_number"
//        choice  a last line that is only a label ("C", "E)")        "last_line"
//                else the last "(X)" / "option X" mention, else the last choice text  "last_choice"
//        yesno   a leading "Yes"/"No", else the last yes/no/true/false word  "first_word", "last_yesno"
//        math    the last $...$ with a digit, else what follows the last "=", "is", "be", "are",
//                "get" or ": " of the last sentence, when it has a digit  "last_math"
//        text    the last non-empty line                            "last_line"
// A step whose text does not parse as an answer of the type (no number, no choice letter, ...) is
// skipped, so "\boxed{18}. I hope the answer is correct." still gives 18.
//
// Equivalence per type: number -> answer_number.h (exact rationals, integers exact, relative 1e-6
// otherwise, rounding to a gold's written decimals, percent); choice -> answer_choice.h (letter or
// choice text); yesno -> yes/true vs no/false; math -> answer_math.h (LaTeX normalization,
// structures, exact rational and numeric evaluation); text -> answer_text.h.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/answer_type.h"

namespace regenesis {

struct ExtractedAnswer {
  std::string text;    // the answer as it will be compared: "18", "B", "yes", "\frac{1}{2}"
  std::string method;  // which step found it (see above)
};

// The model's final answer from a completion (nullopt when none can be found).
std::optional<ExtractedAnswer> extract_answer(std::string_view completion, AnswerType type,
                                              const std::vector<std::string>& choices = {});

// Equivalence of an extracted answer and the gold answer.
bool answers_match(std::string_view predicted, std::string_view gold, AnswerType type,
                   const std::vector<std::string>& choices = {});

struct Verdict {
  bool correct = false;
  std::optional<ExtractedAnswer> extracted;
};
// extract_answer, then answers_match.
Verdict grade_completion(std::string_view completion, std::string_view gold, AnswerType type,
                         const std::vector<std::string>& choices = {});

// Content of the last complete \boxed{...} or \fbox{...} (nested braces and \{ \} handled;
// "\boxed 5" without braces gives "5"). A last box cut off by the end of the text is skipped in
// favour of the one before it.
std::optional<std::string> last_boxed_content(std::string_view text);

}  // namespace regenesis
