// answers_match / grade_completion: dispatch by answer type.
#include "text/answer.h"
#include "text/answer_choice.h"
#include "text/answer_cues.h"
#include "text/answer_math.h"
#include "text/answer_number.h"
#include "text/answer_text.h"

namespace regenesis {

bool answers_match(std::string_view predicted, std::string_view gold, AnswerType type,
                   const std::vector<std::string>& choices) {
  switch (type) {
    case AnswerType::Number: return number_answers_match(predicted, gold);
    case AnswerType::Choice: return choice_answers_match(predicted, gold, choices);
    case AnswerType::YesNo: return yes_no_answers_match(predicted, gold);
    case AnswerType::Math: return math_answers_equivalent(predicted, gold);
    case AnswerType::Text: return text_answers_match(predicted, gold);
  }
  return false;
}

Verdict grade_completion(std::string_view completion, std::string_view gold, AnswerType type,
                         const std::vector<std::string>& choices) {
  Verdict verdict;
  verdict.extracted = extract_answer(completion, type, choices);
  verdict.correct = verdict.extracted && answers_match(verdict.extracted->text, gold, type, choices);
  return verdict;
}

std::optional<std::string> last_boxed_content(std::string_view text) {
  auto box = find_last_boxed(text);
  if (!box) return std::nullopt;
  return box->content;
}

}  // namespace regenesis
