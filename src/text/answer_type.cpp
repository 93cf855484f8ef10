#include "text/answer_type.h"

namespace regenesis {

const char* answer_type_name(AnswerType type) {
  switch (type) {
    case AnswerType::Number: return "number";
    case AnswerType::Choice: return "choice";
    case AnswerType::YesNo: return "yesno";
    case AnswerType::Math: return "math";
    case AnswerType::Text: return "text";
  }
  return "text";
}

std::optional<AnswerType> parse_answer_type(std::string_view name) {
  if (name == "number") return AnswerType::Number;
  if (name == "choice") return AnswerType::Choice;
  if (name == "yesno") return AnswerType::YesNo;
  if (name == "math") return AnswerType::Math;
  if (name == "text") return AnswerType::Text;
  return std::nullopt;
}

}  // namespace regenesis
