// Fuzzes answer extraction and grading (text/answer.h) on model-written text, which is
// untrusted: the input is  TYPE-BYTE completion [\0 gold [\0 choice]...]. Must never crash or
// hang (run with -timeout); a short extracted answer must match itself (an answer the grader
// itself produced and cannot recognise would mark a correct path wrong).
#include <vector>

#include "fuzz_support.h"
#include "text/answer.h"
#include "util/error.h"

using namespace regenesis;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const AnswerType kTypes[] = {AnswerType::Number, AnswerType::Choice, AnswerType::YesNo,
                                      AnswerType::Math, AnswerType::Text};
  const AnswerType type = kTypes[data[0] % 5];
  std::string_view rest = fuzz::as_text(data + 1, size - 1);
  auto [completion, tail] = fuzz::split_once(rest, std::string_view("\0", 1));
  auto [gold, choice_text] = fuzz::split_once(tail, std::string_view("\0", 1));
  std::vector<std::string> choices;
  while (!choice_text.empty()) {
    auto [choice, more] = fuzz::split_once(choice_text, std::string_view("\0", 1));
    choices.emplace_back(choice);
    choice_text = more;
  }

  try {
    Verdict verdict = grade_completion(completion, gold, type, choices);
    auto extracted = extract_answer(completion, type, choices);
    fuzz::require(extracted.has_value() == verdict.extracted.has_value() &&
                      (!extracted || (extracted->text == verdict.extracted->text &&
                                      extracted->method == verdict.extracted->method)),
                  "extract_answer is not deterministic");
    // Short answers only: very long ones may exceed the parsers' own bounds (nesting depth,
    // number length) by design; free text may normalise to nothing ("a", "the").
    if (extracted && extracted->text.size() <= 64 && type != AnswerType::Text)
      fuzz::require(answers_match(extracted->text, extracted->text, type, choices),
                    "extracted answer '" + extracted->text + "' does not match itself");
    (void)last_boxed_content(completion);
    (void)answers_match(gold, completion, type, choices);
  } catch (const Error&) {
  }
  return 0;
}
