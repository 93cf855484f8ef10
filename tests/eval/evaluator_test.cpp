// run_evaluation with a scripted generator: what is sent, what is stored, and resuming.
#include <gtest/gtest.h>

#include <set>

#include "eval/eval_run.h"
#include "eval/evaluator.h"
#include "eval/prediction_log.h"
#include "eval_fixtures.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

// Answers "What is N?" with "... \boxed{N}" for even N and "\boxed{0}" otherwise; records every
// request; can fail after a number of results (an interrupted run).
class ScriptedGenerator : public Generator {
 public:
  long fail_after = -1;
  std::vector<GenerationRequest> seen;

  void generate(const std::vector<GenerationRequest>& requests,
                const std::function<void(GenerationResult)>& on_result) override {
    for (const GenerationRequest& r : requests) {
      if (fail_after >= 0 && static_cast<long>(seen.size()) >= fail_after) fail("generator died");
      seen.push_back(r);
      const std::string& user = r.messages.at(0).content;
      const size_t at = user.rfind("What is ");
      const int n = std::stoi(user.substr(at + 8));
      GenerationResult result;
      result.request_id = r.id;
      result.prompt_tokens = 20;
      Completion c;
      c.text = "Let me think. The answer is \\boxed{" + std::to_string(n % 2 == 0 ? n : 0) + "}.";
      c.completion_tokens = 9;
      c.finish = n % 5 == 0 ? FinishReason::Length : FinishReason::Stop;
      result.completions.push_back(c);
      on_result(result);
    }
  }
  std::string describe() const override { return "scripted"; }
};

std::vector<EvalBenchmark> benches() {
  return {test::number_bench("gsm8k", 6, BenchmarkRole::InDomain),
          test::number_bench("svamp", 4, BenchmarkRole::OutOfDomain)};
}

TEST(Evaluator, SendsGreedyChatRequestsAndStoresGradedItems) {
  test::TempDir dir;
  ScriptedGenerator generator;
  EvalSettings settings;
  settings.max_tokens = 64;
  const auto b = benches();
  const EvalOutcome outcome =
      run_evaluation(generator, b, EvalPrompts::builtin(), settings, {{"model", "m"}}, dir.path());
  ASSERT_EQ(generator.seen.size(), 10u);
  for (const GenerationRequest& r : generator.seen) {
    EXPECT_EQ(r.params.temperature, 0.0);
    EXPECT_EQ(r.params.max_tokens, 64);
    EXPECT_EQ(r.params.stop, std::vector<std::string>{"\n###\nProblem: "});
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].role, "user");
    EXPECT_EQ(r.messages[0].content.rfind("Solve the following math problem step-by-step.\n", 0), 0u);
    EXPECT_FALSE(r.prompt.has_value());
  }
  // Gold is 100 + i: even golds are answered right: i = 0, 2, 4 of gsm8k and 0, 2 of svamp.
  EXPECT_EQ(outcome.generated, 10);
  EXPECT_EQ(outcome.summary.benchmarks[0].correct, 3);
  EXPECT_EQ(outcome.summary.benchmarks[1].correct, 2);
  EXPECT_EQ(outcome.summary.benchmarks[0].truncated, 2);  // 100 and 105

  const auto stored = read_predictions(dir / "predictions.jsonl");
  ASSERT_EQ(stored.size(), 10u);
  for (const Prediction& p : stored) {
    EXPECT_TRUE(p.prompt.has_value());
    EXPECT_EQ(p.method, "boxed");
    EXPECT_EQ(p.correct, p.extracted == p.gold) << p.id;
    EXPECT_EQ(p.prompt_tokens, 20);
  }
  const EvalRun run = load_eval_run(dir.path());
  EXPECT_EQ(run.summary.benchmarks[0].correct, 3);
  EXPECT_EQ(run.predictions.size(), 10u);
  EXPECT_TRUE(std::filesystem::exists(dir / "results.md"));
  EXPECT_TRUE(std::filesystem::exists(dir / "accuracy.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "accuracy.svg"));
}

TEST(Evaluator, ResumesAfterAnInterruptionWithoutRedoingItems) {
  test::TempDir dir;
  const auto b = benches();
  ScriptedGenerator dying;
  dying.fail_after = 4;
  EXPECT_THROW(run_evaluation(dying, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path()), Error);
  const std::string before = read_file(dir / "predictions.jsonl");
  EXPECT_EQ(read_predictions(dir / "predictions.jsonl").size(), 4u);

  ScriptedGenerator second;
  const EvalOutcome outcome = run_evaluation(second, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path());
  EXPECT_EQ(second.seen.size(), 6u);  // only the unfinished items
  EXPECT_EQ(outcome.reused, 4);
  EXPECT_EQ(outcome.generated, 6);
  const std::string after = read_file(dir / "predictions.jsonl");
  EXPECT_EQ(after.substr(0, before.size()), before);  // earlier lines unchanged
  std::set<std::string> ids;
  for (const Prediction& p : read_predictions(dir / "predictions.jsonl"))
    EXPECT_TRUE(ids.insert(p.bench + "/" + p.id).second) << "duplicate " << p.id;
  EXPECT_EQ(ids.size(), 10u);

  ScriptedGenerator third;  // everything done: nothing is generated
  EXPECT_EQ(run_evaluation(third, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path()).reused, 10);
  EXPECT_TRUE(third.seen.empty());
}

TEST(Evaluator, ATornLastLineIsRegenerated) {
  test::TempDir dir;
  const auto b = benches();
  ScriptedGenerator first;
  run_evaluation(first, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path());
  std::string text = read_file(dir / "predictions.jsonl");
  text.resize(text.size() - 30);  // the last line loses its end and its newline
  write_file_atomic(dir / "predictions.jsonl", text);
  ScriptedGenerator second;
  const EvalOutcome outcome = run_evaluation(second, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path());
  EXPECT_EQ(second.seen.size(), 1u);
  EXPECT_GT(outcome.dropped_bytes, 0u);
  EXPECT_EQ(read_predictions(dir / "predictions.jsonl").size(), 10u);
}

TEST(Evaluator, OtherSettingsInTheSameOutAreRefusedUnlessRestart) {
  test::TempDir dir;
  const auto b = benches();
  ScriptedGenerator first;
  run_evaluation(first, b, EvalPrompts::builtin(), {}, {{"model", "m"}}, dir.path());
  ScriptedGenerator second;
  EvalSettings longer;
  longer.max_tokens = 2048;
  try {
    run_evaluation(second, b, EvalPrompts::builtin(), longer, {{"model", "other"}}, dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("model"), std::string::npos) << message;
    EXPECT_NE(message.find("max_tokens"), std::string::npos) << message;
    EXPECT_NE(message.find("--restart"), std::string::npos) << message;
  }
  EXPECT_TRUE(second.seen.empty());
  longer.restart = true;
  run_evaluation(second, b, EvalPrompts::builtin(), longer, {{"model", "other"}}, dir.path());
  EXPECT_EQ(second.seen.size(), 10u);
  // Batch size, threads and limit are not part of what is checked: a smaller limit reuses items.
  std::vector<EvalBenchmark> fewer = benches();
  fewer[0].questions.resize(2);
  ScriptedGenerator third;
  longer.restart = false;
  const EvalOutcome outcome =
      run_evaluation(third, fewer, EvalPrompts::builtin(), longer, {{"model", "other"}}, dir.path());
  EXPECT_TRUE(third.seen.empty());
  EXPECT_EQ(outcome.summary.benchmarks[0].n, 2);
  EXPECT_EQ(outcome.reused, 6);
}

}  // namespace
}  // namespace regenesis
