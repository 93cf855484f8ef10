// `grade`: matching predictions to questions, verdicts on handmade completions, and the
// reports for unknown, duplicate and missing ids.
#include <gtest/gtest.h>

#include "eval/grade_predictions.h"
#include "eval_fixtures.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

EvalBenchmark choice_bench() {
  EvalBenchmark bench;
  bench.name = "arc";
  bench.role = BenchmarkRole::InDomain;
  bench.task_group = "arc";
  bench.answer_type = "choice";
  Question q;
  q.id = "arc-0";
  q.question = "Sky colour?";
  q.answer = "B";
  q.answer_type = AnswerType::Choice;
  q.choices = {"(A) red", "(B) blue", "(C) green"};
  bench.questions.push_back(q);
  q.id = "arc-1";
  q.answer = "C";
  bench.questions.push_back(q);
  return bench;
}

GradeInput input(long line, const std::string& id, const std::string& completion,
                 std::optional<std::string> bench = std::nullopt) {
  return GradeInput{"p.jsonl", line, std::move(bench), id, completion, std::nullopt};
}

TEST(GradePredictions, HandmadeCompletionsGetTheExpectedVerdicts) {
  const std::vector<EvalBenchmark> benches = {test::number_bench("gsm8k", 3, BenchmarkRole::InDomain),
                                              choice_bench()};
  const std::vector<GradeInput> inputs = {
      input(1, "gsm8k-0", "3 + 97 = 100. The answer is \\boxed{100}."),           // right
      input(2, "gsm8k-1", "#### 101"),                                            // right (GSM8K marker)
      input(3, "gsm8k-2", "I think it is 7."),                                    // wrong
      input(4, "arc-0", "The sky scatters blue light, so the answer is (B)."),    // right
      input(5, "arc-1", "The answer is \\boxed{A}."),                             // wrong
  };
  const GradeOutcome outcome = grade_inputs(benches, inputs);
  ASSERT_EQ(outcome.predictions.size(), 5u);
  const bool expected[] = {true, true, false, true, false};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(outcome.predictions[i].correct, expected[i]) << inputs[i].completion;
  EXPECT_EQ(outcome.predictions[0].extracted, std::optional<std::string>("100"));
  EXPECT_EQ(outcome.predictions[2].extracted, std::optional<std::string>("7"));
  EXPECT_EQ(outcome.summary.benchmarks[0].correct, 2);
  EXPECT_EQ(outcome.summary.benchmarks[1].correct, 1);
  EXPECT_TRUE(outcome.missing.empty());
}

TEST(GradePredictions, UnknownIdsAreAnErrorListingThemUnlessIgnored) {
  const std::vector<EvalBenchmark> benches = {test::number_bench("gsm8k", 2, BenchmarkRole::InDomain)};
  const std::vector<GradeInput> inputs = {input(1, "gsm8k-0", "\\boxed{100}"), input(2, "nope", "x"),
                                          input(3, "gsm8k-1", "x", "svamp")};
  try {
    grade_inputs(benches, inputs);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("2 predictions match no question"), std::string::npos) << message;
    EXPECT_NE(message.find("p.jsonl:2: id 'nope'"), std::string::npos) << message;
    EXPECT_NE(message.find("p.jsonl:3: id 'gsm8k-1' (bench svamp)"), std::string::npos) << message;
  }
  GradeOptions options;
  options.ignore_unknown = true;
  const GradeOutcome outcome = grade_inputs(benches, inputs, options);
  EXPECT_EQ(outcome.unknown.size(), 2u);
  EXPECT_EQ(outcome.predictions.size(), 1u);
  // gsm8k-1 has no (valid) prediction: counted as wrong by default.
  ASSERT_EQ(outcome.missing.at("gsm8k"), std::vector<std::string>{"gsm8k-1"});
  EXPECT_EQ(outcome.summary.benchmarks[0].n, 2);
  EXPECT_EQ(outcome.summary.benchmarks[0].missing, 1);
  options.only_predicted = true;
  EXPECT_EQ(grade_inputs(benches, inputs, options).summary.benchmarks[0].n, 1);
}

TEST(GradePredictions, DuplicatesAndAmbiguousIdsAreErrors) {
  const std::vector<EvalBenchmark> one = {test::number_bench("gsm8k", 2, BenchmarkRole::InDomain)};
  try {
    grade_inputs(one, {input(1, "gsm8k-0", "a"), input(4, "gsm8k-0", "b")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p.jsonl:4: a second prediction for gsm8k/gsm8k-0 (first on line 1)"),
              std::string::npos)
        << e.what();
  }
  // The same id in two user files: the 'bench' field decides.
  EvalBenchmark a = test::number_bench("x", 1, BenchmarkRole::Extra), b = a;
  b.name = "y";
  EXPECT_THROW(grade_inputs({a, b}, {input(1, "x-0", "\\boxed{100}")}), Error);
  const GradeOutcome outcome = grade_inputs({a, b}, {input(1, "x-0", "\\boxed{100}", "y")});
  EXPECT_EQ(outcome.predictions[0].bench, "y");
  EXPECT_TRUE(outcome.predictions[0].correct);
}

TEST(GradePredictions, ReadsIdsAsStringsOrIntegersAndNamesBadLines) {
  test::TempDir dir;
  write_file_atomic(dir / "p.jsonl",
                    "{\"id\": \"a\", \"completion\": \"x\"}\n\n{\"id\": 7, \"completion\": \"y\", \"bench\": \"b\"}\n");
  const auto inputs = read_grade_inputs(dir / "p.jsonl");
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[1].id, "7");
  EXPECT_EQ(inputs[1].line, 3);
  EXPECT_EQ(inputs[1].bench, std::optional<std::string>("b"));
  write_file_atomic(dir / "bad.jsonl", "{\"id\": \"a\", \"completion\": \"x\"}\n{\"id\": \"b\", \"text\": \"x\"}\n");
  try {
    read_grade_inputs(dir / "bad.jsonl");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jsonl:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("completion"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace regenesis
