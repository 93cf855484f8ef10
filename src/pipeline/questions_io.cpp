// load_question_rows: the config's question file, as the rows the run store keeps.
#include "data/question.h"
#include "pipeline/run_session.h"
#include "util/error.h"

namespace regenesis {

std::vector<QuestionRow> load_question_rows(const RunConfig& config) {
  if (config.data.questions.empty())
    fail("data.questions is not set (a JSONL file of questions in the common schema)");
  if (!std::filesystem::exists(config.data.questions))
    fail("data.questions: ", config.data.questions, ": file not found");
  std::optional<size_t> limit;
  if (config.data.limit > 0) limit = static_cast<size_t>(config.data.limit);
  auto questions = load_questions(config.data.questions, limit);
  if (questions.empty()) fail(config.data.questions, ": no questions");
  std::vector<QuestionRow> rows;
  rows.reserve(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    const Question& q = questions[i];
    QuestionRow row;
    row.id = q.id;
    row.ord = static_cast<int64_t>(i);
    row.task = q.task;
    row.question = question_with_options(q);  // the model must see a choice question's options
    row.answer = q.answer;
    row.answer_type = answer_type_name(q.answer_type);
    row.choices_json = nlohmann::json(q.choices).dump();
    row.rationale = q.rationale.value_or("");
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace regenesis
