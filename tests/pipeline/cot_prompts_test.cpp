// The CoT baselines' prompt set: the built-in worked examples (every one leads to its own
// answer), lookup by task then answer type, user directories and their errors, and the config
// keys and defaults of the methods.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "pipeline/cot_prompts.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(CotPrompts, BuiltInSetHasCheckedExamplesForEveryAnswerType) {
  CotPromptSet set = CotPromptSet::builtin();
  for (const char* type : {"number", "choice", "yesno", "math", "text"}) {
    ASSERT_TRUE(set.fewshot.count(type)) << type;
    EXPECT_EQ(set.fewshot.at(type).size(), test::worked_examples(type).size()) << type;
  }
  EXPECT_EQ(set.question, test::kQuestionPrefix + "{question}");
  auto q = test::two_questions()[0];
  EXPECT_EQ(set.user_turn(q, true), test::kQuestionPrefix + q.question + test::hint_line("7"));
  auto two = set.history(q, 2, false);
  ASSERT_EQ(two.size(), 4u);
  EXPECT_EQ(two[1].role, "assistant");
  EXPECT_EQ(two[1].content, test::worked_examples("number")[0].rationale);
  EXPECT_TRUE(set.history(q, 0, false).empty());
  // A choice question's hint shows the whole option, as ReGenesis's hint prompts do.
  auto c = test::make_question("c1", "Which?", "B", 0, "choice", "[\"(A) red\", \"(B) blue\"]");
  EXPECT_EQ(set.user_turn(c, true), test::kQuestionPrefix + "Which?" + test::hint_line("(B) blue"));
}

TEST(CotPrompts, TaskFilesWinOverTypeFilesAndBadExamplesAreNamed) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "shots");
  write_file_atomic(dir / "shots" / "gsm8k.jsonl",
                    "{\"question\": \"1 + 1?\", \"rationale\": \"1 + 1 = 2. \\\\boxed{2}\", \"answer\": \"2\", "
                    "\"answer_type\": \"number\"}\n");
  CotPromptSet set = CotPromptSet::builtin(dir / "shots");
  auto q = test::two_questions()[0];  // task gsm8k
  auto turns = set.history(q, -1, false);
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0].content, test::kQuestionPrefix + "1 + 1?");
  // The directory replaces the built-in examples: a yes/no question now has none.
  auto yn = test::make_question("y", "Is it?", "yes", 0, "yesno");
  yn.task = "strategyqa";
  EXPECT_NE(error_of([&] { set.history(yn, -1, false); }).find("no worked examples for question y"),
            std::string::npos);

  write_file_atomic(dir / "shots" / "gsm8k.jsonl",
                    "\n{\"question\": \"1 + 1?\", \"rationale\": \"\\\\boxed{3}\", \"answer\": \"2\", \"answer_type\": \"number\"}\n");
  EXPECT_NE(error_of([&] { CotPromptSet::builtin(dir / "shots"); })
                .find("shots/gsm8k.jsonl:2: the rationale's final answer (\"3\") does not match \"answer\" (\"2\")"),
            std::string::npos);
  write_file_atomic(dir / "shots" / "gsm8k.jsonl", "{\"question\": \"q\", \"rationale\": \"\\\\boxed{2}\", \"answer\": \"2\"}\n");
  EXPECT_NE(error_of([&] { CotPromptSet::builtin(dir / "shots"); }).find("field 'answer_type' is needed"),
            std::string::npos);

  // A prompt directory needs every template, with its placeholders.
  std::filesystem::create_directories(dir / "set");
  write_file_atomic(dir / "set" / "system.txt", "S\n");
  write_file_atomic(dir / "set" / "question.txt", "Q: {question}\n");
  EXPECT_NE(error_of([&] { CotPromptSet::load_directory(dir / "set"); }).find("hint_question.txt: missing"),
            std::string::npos);
  write_file_atomic(dir / "set" / "hint_question.txt", "Q: {question}\n");
  EXPECT_NE(error_of([&] { CotPromptSet::load_directory(dir / "set"); }).find("needs the placeholder {answer}"),
            std::string::npos);
  write_file_atomic(dir / "set" / "hint_question.txt", "Q: {question} (answer: {answer})\n");
  write_file_atomic(dir / "shots" / "number.jsonl", "{\"question\": \"q\", \"rationale\": \"\\\\boxed{2}\", \"answer\": \"2\"}\n");
  std::filesystem::remove(dir / "shots" / "gsm8k.jsonl");
  CotPromptSet own = CotPromptSet::load_directory(dir / "set", dir / "shots");
  EXPECT_EQ(own.user_turn(q, false), "Q: " + q.question);
  EXPECT_NE(own.fingerprint(), set.fingerprint());
}

TEST(MethodConfig, MethodKeysDefaultsAndIdentity) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "method = \"rft\"\n[synthesis]\npaths = 4\n[rft]\ndedup = \"text\"\n");
  RunConfig c = RunConfig::from_toml_file(dir / "run.toml");
  EXPECT_EQ(c.method, "rft");
  EXPECT_EQ(c.synthesis.paths, 4);
  EXPECT_EQ(c.synthesis.shots, 0);  // RFT samples zero-shot
  EXPECT_DOUBLE_EQ(c.synthesis.sampling.temperature, 0.7);
  EXPECT_FALSE(c.rewrite.enabled);
  EXPECT_EQ(c.rft.dedup, "text");
  RunConfig back = RunConfig::from_json(Json::parse(c.to_json().dump()), "stored", "/");
  EXPECT_EQ(back.to_json(), c.to_json());
  // --method replaces the file's method before its defaults apply; explicit values still win.
  write_file_atomic(dir / "run.toml", "[synthesis]\ntemperature = 0.9\n");
  RunConfig s = RunConfig::from_toml_file(dir / "run.toml", "star");
  EXPECT_EQ(s.method, "star");
  EXPECT_DOUBLE_EQ(s.synthesis.sampling.temperature, 0.9);
  EXPECT_EQ(s.synthesis.shots, -1);
  EXPECT_EQ(s.star.rationalize_paths, 1);
  // "{method}" names the run directory and export after the method.
  write_file_atomic(dir / "run.toml", "[run]\ndir = \"runs/{method}\"\n[export]\nout = \"{method}.jsonl\"\n");
  RunConfig named = RunConfig::from_toml_file(dir / "run.toml", "lmsi");
  EXPECT_EQ(named.run.dir, (dir.path() / "runs" / "lmsi").string());
  EXPECT_EQ(named.export_file(), dir.path() / "runs" / "lmsi" / "lmsi.jsonl");
  write_file_atomic(dir / "run.toml", "method = \"stra\"\n");
  EXPECT_NE(error_of([&] { RunConfig::from_toml_file(dir / "run.toml"); })
                .find("run.toml:1: method: \"stra\" is not one of \"lmsi\", \"regenesis\", \"rft\", \"star\", \"task_sd\""),
            std::string::npos);
  write_file_atomic(dir / "run.toml", "[star]\niterations = 0\n");
  EXPECT_NE(error_of([&] { RunConfig::from_toml_file(dir / "run.toml"); }).find("star.iterations: must be at least 1"),
            std::string::npos);

  // The example config serves every method.
  for (const auto& method : method_names()) {
    RunConfig example = RunConfig::from_toml_file(test::source_dir() / "examples" / "run-methods.toml", method);
    EXPECT_EQ(std::filesystem::path(example.run.dir).filename(), "methods-" + method);
  }

  // A ReGenesis identity is what it always was; a baseline's adds the method and its counts.
  RunConfig regenesis;
  EXPECT_FALSE(regenesis.generation_identity("p").contains("method"));
  RunConfig star = RunConfig::defaults_for("star");
  RunConfig more = star;
  more.synthesis.paths = 8;
  auto diffs = identity_differences(star.generation_identity("p"), more.generation_identity("p"));
  EXPECT_EQ(diffs, (std::vector<std::string>{"synthesis.paths: 32 -> 8"}));
  EXPECT_FALSE(identity_differences(regenesis.generation_identity("p"), star.generation_identity("p")).empty());
}

}  // namespace
}  // namespace regenesis
