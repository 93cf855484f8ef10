// The evaluation prompts: Eurus's math prompt byte for byte, the option list of choice
// questions, and the lookup order of a user's prompt directory.
#include <gtest/gtest.h>

#include "eval/eval_prompts.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

Question number_question() {
  Question q;
  q.id = "q1";
  q.question = "Janet has 3 apples. How many?";
  q.answer = "3";
  q.answer_type = AnswerType::Number;
  return q;
}

Question choice_question(const std::string& text) {
  Question q;
  q.id = "c1";
  q.question = text;
  q.answer = "B";
  q.answer_type = AnswerType::Choice;
  q.choices = {"(A) red", "(B) blue", "(C) green"};
  return q;
}

TEST(EvalPrompts, BuiltInIsTheEurusMathPromptByteForByte) {
  // OpenBMB/Eurus eval/Math/subset/evaluate_subset_cot.py, make_conv.
  const std::string eurus =
      "Solve the following math problem step-by-step.\n"
      "Simplify your answer as much as possible. Present your final answer as \\boxed{Your Answer}.\n";
  const EvalPrompts prompts = EvalPrompts::builtin();
  const Question q = number_question();
  EXPECT_EQ(prompts.render("gsm8k", q), eurus + q.question);
  EXPECT_EQ(prompts.source(), "built-in:eval");
}

TEST(EvalPrompts, ChoiceQuestionsGetTheReGenesisOptionString) {
  const Question q = choice_question("Which colour is the sky?");
  EXPECT_EQ(options_suffix(q), "\nChoose from the following options: (A) red; (B) blue; (C) green");
  const std::string prompt = EvalPrompts::builtin().render("arc_challenge", q);
  EXPECT_EQ(prompt.substr(prompt.size() - q.question.size() - options_suffix(q).size()),
            q.question + options_suffix(q));
}

TEST(EvalPrompts, QuestionsThatListTheirOptionsAreLeftAsTheyAre) {
  // BBH inputs end with "Options:\n(A) ...".
  const Question q = choice_question("Pick one.\nOptions:\n(A) red\n(B) blue\n(C) green");
  EXPECT_EQ(options_suffix(q), "");
  // One label missing from the text: the options are added.
  const Question partial = choice_question("Pick one.\nOptions:\n(A) red\n(B) blue");
  EXPECT_NE(options_suffix(partial), "");
  EXPECT_EQ(options_suffix(number_question()), "");
}

TEST(EvalPrompts, DirectoryLookupIsBenchThenTypeThenDefault) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "bench");
  write_file_atomic(dir / "default.txt", "D: {question}\n");
  write_file_atomic(dir / "choice.txt", "C: {question}|{choices}|{unknown}\n");
  write_file_atomic(dir / "bench" / "gsm8k.txt", "G: {question} \\boxed{Your Answer}\n");
  const EvalPrompts prompts = EvalPrompts::load_directory(dir.path());
  const Question n = number_question();
  EXPECT_EQ(prompts.render("gsm8k", n), "G: " + n.question + " \\boxed{Your Answer}");
  EXPECT_EQ(prompts.render("gsm8k:train", n), "G: " + n.question + " \\boxed{Your Answer}");
  EXPECT_EQ(prompts.render("svamp", n), "D: " + n.question);
  const Question c = choice_question("Sky?");
  EXPECT_EQ(prompts.render("aqua", c), "C: Sky?|(A) red\n(B) blue\n(C) green|{unknown}");
  EXPECT_EQ(prompts.files().size(), 3u);
}

TEST(EvalPrompts, ADirectoryWithoutDefaultIsAnError) {
  test::TempDir dir;
  write_file_atomic(dir / "number.txt", "{question}");
  EXPECT_THROW(EvalPrompts::load_directory(dir.path()), Error);
  EXPECT_THROW(EvalPrompts::load_directory(dir / "absent"), Error);
}

}  // namespace
}  // namespace regenesis
