#pragma once
// How a gold answer is compared: the `answer_type` field of the question schema.
#include <optional>
#include <string>
#include <string_view>

namespace regenesis {

enum class AnswerType { Number, Choice, YesNo, Math, Text };

const char* answer_type_name(AnswerType type);
// "number", "choice", "yesno", "math", "text"; nullopt for anything else.
std::optional<AnswerType> parse_answer_type(std::string_view name);

}  // namespace regenesis
