// Questions enter a run with their options: ARC-style choice questions would otherwise be
// synthesized and exported without the options the answer letter refers to.
#include <gtest/gtest.h>

#include "pipeline/run_session.h"
#include "test_support.h"
#include "util/files.h"

namespace regenesis {
namespace {

TEST(LoadQuestionRows, ChoiceQuestionsCarryTheirOptionsAndOthersAreUnchanged) {
  test::TempDir dir;
  auto file = dir / "q.jsonl";
  write_file_atomic(file,
                    R"({"id":"c1","question":"Which is a fruit?","answer":"B","answer_type":"choice","choices":["(A) carrot","(B) apple"],"task":"arc"})"
                    "\n"
                    R"({"id":"c2","question":"Pick one: (A) up (B) down","answer":"A","answer_type":"choice","choices":["(A) up","(B) down"],"task":"bbh"})"
                    "\n"
                    R"({"id":"n1","question":"What is 2+3?","answer":"5","answer_type":"number","task":"gsm8k"})"
                    "\n");
  RunConfig config;
  config.data.questions = file.string();
  auto rows = load_question_rows(config);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].question,
            "Which is a fruit?\nChoose from the following options: (A) carrot; (B) apple");
  EXPECT_EQ(rows[1].question, "Pick one: (A) up (B) down");  // options already in the text
  EXPECT_EQ(rows[2].question, "What is 2+3?");
}

}  // namespace
}  // namespace regenesis
