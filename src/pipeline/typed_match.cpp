// The default answer matcher (`filter.match = "typed"`): text/answer.h extraction and
// equivalence for the question's answer type.
#include "pipeline/path_filter.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {

AnswerMatcher typed_answer_matcher() {
  return [](const std::string& path, const QuestionRow& question) {
    auto type = parse_answer_type(question.answer_type);
    if (!type) fail("question ", question.id, ": unknown answer_type \"", question.answer_type, "\"");
    std::vector<std::string> choices;
    for (const auto& c : parse_json(question.choices_json, "question " + question.id + " choices"))
      choices.push_back(c.get<std::string>());
    Verdict verdict = grade_completion(path, question.answer, *type, choices);
    MatchResult result;
    result.correct = verdict.correct;
    if (verdict.extracted) result.extracted = verdict.extracted->text + " (" + verdict.extracted->method + ")";
    return result;
  };
}

}  // namespace regenesis
