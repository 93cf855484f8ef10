// Question files: a choice question with more than 26 choices (A-Z name them) is an Error
// naming the line, not a question whose later choices could never be graded.
#include <gtest/gtest.h>

#include "data/question.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

std::string question_line(size_t choice_count) {
  Json q = {{"id", "q"}, {"question", "Pick one"}, {"answer", "B"}, {"answer_type", "choice"}};
  Json choices = Json::array();
  for (size_t k = 0; k < choice_count; ++k) choices.push_back("choice " + std::to_string(k));
  q["choices"] = choices;
  return q.dump() + "\n";
}

TEST(QuestionLimits, MoreThan26ChoicesIsAnError) {
  test::TempDir dir;
  write_file_atomic(dir / "q.jsonl", question_line(27));
  try {
    load_questions(dir / "q.jsonl");
    FAIL() << "27 choices were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("q.jsonl:1: field 'choices' has 27 items; at most 26 (A-Z)"),
              std::string::npos)
        << e.what();
  }
}

TEST(QuestionLimits, TwentySixChoicesLoad) {
  test::TempDir dir;
  write_file_atomic(dir / "q.jsonl", question_line(26));
  auto qs = load_questions(dir / "q.jsonl");
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].choices.size(), 26u);
}

}  // namespace
}  // namespace regenesis
