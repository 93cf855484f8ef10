#include "data/question.h"

#include <algorithm>
#include <unordered_map>

#include "text/answer_choice.h"
#include "text/answer_number.h"
#include "text/answer_text.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

const char* const kKnownFields[] = {"id", "question", "answer", "answer_type", "choices", "task", "rationale"};

std::string string_field(const nlohmann::json& object, const char* field, bool required) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    if (required) fail("field '", field, "' is missing");
    return "";
  }
  if (!it->is_string()) fail("field '", field, "' must be a string, got ", it->type_name());
  return it->get<std::string>();
}

void check_gold(const Question& q) {
  switch (q.answer_type) {
    case AnswerType::Choice: {
      if (q.choices.empty()) fail("field 'choices' is missing or empty (answer_type is \"choice\")");
      // choices are named by the letters A-Z
      if (q.choices.size() > 26) fail("field 'choices' has ", q.choices.size(), " items; at most 26 (A-Z)");
      if (!parse_choice(q.answer, q.choices))
        fail("field 'answer' (\"", q.answer, "\") names none of the ", q.choices.size(), " choices");
      break;
    }
    case AnswerType::Number:
      if (!parse_number_answer(q.answer)) fail("field 'answer' (\"", q.answer, "\") is not a number");
      break;
    case AnswerType::YesNo:
      if (!parse_yes_no(q.answer)) fail("field 'answer' (\"", q.answer, "\") is not yes/no/true/false");
      break;
    case AnswerType::Math:
    case AnswerType::Text:
      break;
  }
}

}  // namespace

Question question_from_json(const nlohmann::json& object) {
  if (!object.is_object()) fail("expected a JSON object, got ", object.type_name());
  Question q;
  q.id = string_field(object, "id", true);
  if (trim(q.id).empty()) fail("field 'id' is empty");
  q.question = string_field(object, "question", true);
  if (trim(q.question).empty()) fail("field 'question' is empty");
  q.answer = string_field(object, "answer", true);
  if (trim(q.answer).empty()) fail("field 'answer' is empty");
  std::string type = string_field(object, "answer_type", true);
  auto parsed = parse_answer_type(type);
  if (!parsed) fail("field 'answer_type' must be one of number, choice, yesno, math, text; got \"", type, "\"");
  q.answer_type = *parsed;
  q.task = string_field(object, "task", false);
  auto rationale = object.find("rationale");
  if (rationale != object.end() && !rationale->is_null()) q.rationale = string_field(object, "rationale", false);
  auto choices = object.find("choices");
  if (choices != object.end() && !choices->is_null()) {
    if (!choices->is_array()) fail("field 'choices' must be a list of strings, got ", choices->type_name());
    for (size_t k = 0; k < choices->size(); ++k) {
      if (!(*choices)[k].is_string()) fail("field 'choices' item ", k, " must be a string, got ", (*choices)[k].type_name());
      q.choices.push_back((*choices)[k].get<std::string>());
    }
  }
  for (auto it = object.begin(); it != object.end(); ++it)
    if (std::find(std::begin(kKnownFields), std::end(kKnownFields), it.key()) == std::end(kKnownFields))
      q.extra[it.key()] = it.value();
  check_gold(q);
  return q;
}

nlohmann::json question_to_json(const Question& q) {
  nlohmann::json out = {{"id", q.id},
                        {"question", q.question},
                        {"answer", q.answer},
                        {"answer_type", answer_type_name(q.answer_type)}};
  if (!q.choices.empty()) out["choices"] = q.choices;
  if (!q.task.empty()) out["task"] = q.task;
  if (q.rationale) out["rationale"] = *q.rationale;
  for (auto it = q.extra.begin(); it != q.extra.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = it.value();
  return out;
}

std::vector<Question> load_questions(const std::filesystem::path& jsonl, std::optional<size_t> limit) {
  // for_each_jsonl has no early exit; stopping at the limit is signalled with this.
  struct LimitReached {};
  std::vector<Question> questions;
  std::unordered_map<std::string, long> first_line;
  if (limit && *limit == 0) return questions;
  try {
    for_each_jsonl(jsonl, [&](const Json& object, long line) {
      Question q = question_from_json(object);
      auto [it, inserted] = first_line.emplace(q.id, line);
      if (!inserted) fail("duplicate id '", q.id, "' (first on line ", it->second, ")");
      questions.push_back(std::move(q));
      if (limit && questions.size() >= *limit) throw LimitReached{};
    });
  } catch (const LimitReached&) {
  }
  return questions;
}

void save_questions(const std::filesystem::path& jsonl, const std::vector<Question>& questions) {
  std::string text;
  for (const auto& q : questions) text += question_to_json(q).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  write_file_atomic(jsonl, text);
}

std::string options_suffix(const Question& question) {
  if (question.answer_type != AnswerType::Choice || question.choices.empty()) return "";
  for (const std::string& choice : question.choices) {
    const size_t close = choice.find(')');
    const std::string label = close == std::string::npos ? choice : choice.substr(0, close + 1);
    if (question.question.find(label) == std::string::npos)
      return "\nChoose from the following options: " + join(question.choices, "; ");
  }
  return "";  // every option label is already in the text (e.g. BBH)
}

std::string question_with_options(const Question& question) {
  return question.question + options_suffix(question);
}

}  // namespace regenesis
