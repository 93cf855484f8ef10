// Fuzzes question JSONL loading (data/question.h load_questions, through util/json.h
// for_each_jsonl): the input is the file. Loaded questions must have unique ids and survive
// question_to_json -> question_from_json and save_questions -> load_questions unchanged.
#include <set>

#include "data/question.h"
#include "fuzz_support.h"
#include "util/error.h"

using namespace regenesis;

namespace {
std::string dump(const Question& q) {
  return question_to_json(q).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::MemoryFile file(fuzz::as_text(data, size));
  std::vector<Question> questions;
  try {
    questions = load_questions(file.path());
  } catch (const Error&) {
    return 0;
  }
  std::set<std::string> ids;
  for (const Question& q : questions) {
    fuzz::require(ids.insert(q.id).second, "duplicate id '" + q.id + "' was accepted");
    Question again;
    try {
      again = question_from_json(question_to_json(q));
    } catch (const Error& e) {
      fuzz::require(false, "question '" + q.id + "' does not read back: " + e.what());
    }
    fuzz::require(dump(again) == dump(q), "question '" + q.id + "' changes in a round trip");
  }
  const auto saved = fuzz::scratch_dir() / "questions.jsonl";
  save_questions(saved, questions);
  std::vector<Question> reloaded;
  try {
    reloaded = load_questions(saved);
  } catch (const Error& e) {
    fuzz::require(false, std::string("saved questions do not load: ") + e.what());
  }
  fuzz::require(reloaded.size() == questions.size(), "save/load changes the number of questions");
  for (size_t i = 0; i < questions.size(); ++i)
    fuzz::require(dump(reloaded[i]) == dump(questions[i]), "save/load changes question " + questions[i].id);
  return 0;
}
