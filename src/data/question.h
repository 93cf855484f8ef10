#pragma once
// A question with its gold answer, in the common JSONL schema (/work/shared/data/README.md):
//   {"id", "question", "answer", "answer_type": number|choice|yesno|math|text,
//    "choices": ["(A) ...", ...] (choice only), "task", "rationale" (optional), ...extras}
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/answer_type.h"

namespace regenesis {

struct Question {
  std::string id;
  std::string question;
  std::string answer;  // gold final answer as text; the letter for choice questions
  AnswerType answer_type = AnswerType::Text;
  std::vector<std::string> choices;  // "(A) text", for choice questions
  std::string task;
  std::optional<std::string> rationale;         // gold solution, where the source has one
  nlohmann::json extra = nlohmann::json::object();  // every other field, kept as it was
};

// Reads a JSONL file in the common schema (at most `limit` questions). Blank lines are skipped.
// A bad line gives an Error "file:line: field 'name' ..."; a repeated id gives
// "file:line: duplicate id 'x' (first on line N)".
std::vector<Question> load_questions(const std::filesystem::path& jsonl,
                                     std::optional<size_t> limit = std::nullopt);

// One object of the schema; errors name the field ("field 'answer_type' must be one of ...").
// Checks what the grader relies on: a choice answer names one of the choices, a number answer is
// a number, a yes/no answer is yes/no/true/false.
Question question_from_json(const nlohmann::json& object);

// The schema object (extras included); question_from_json(question_to_json(q)) == q.
nlohmann::json question_to_json(const Question& question);

// Writes questions as JSONL (atomically).
void save_questions(const std::filesystem::path& jsonl, const std::vector<Question>& questions);

// For a choice question whose text does not already list its options, the line the ReGenesis ARC
// loader appends: "\nChoose from the following options: (A) ...; (B) ...". Empty otherwise.
// Synthesis, export and evaluation all show the model the question with this suffix.
std::string options_suffix(const Question& question);
std::string question_with_options(const Question& question);

}  // namespace regenesis
