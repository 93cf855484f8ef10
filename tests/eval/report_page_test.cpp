// `report`: evaluations side by side, the comparison section and the run store section.
#include <gtest/gtest.h>

#include "eval/prediction_log.h"
#include "eval/report_page.h"
#include "eval_fixtures.h"
#include "store/run_store.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

// Writes an evaluation directory as `eval` would: predictions.jsonl and the results files.
void write_eval_dir(const std::filesystem::path& dir, const std::vector<EvalBenchmark>& benches,
                    const std::vector<int>& correct) {
  std::filesystem::create_directories(dir);
  PredictionIndex index;
  for (size_t i = 0; i < benches.size(); ++i) test::add_verdicts(index, benches[i], correct[i]);
  std::string lines;
  for (const auto& [key, p] : index) lines += prediction_line(p);
  write_file_atomic(dir / "predictions.jsonl", lines);
  write_eval_results(dir, summarize(benches, index), {{"label", dir.filename().string()}}, "x", {});
}

TEST(ReportPage, TwoEvaluationsAreComparedWithAChart) {
  test::TempDir dir;
  const std::vector<EvalBenchmark> benches = {test::number_bench("gsm8k", 10, BenchmarkRole::InDomain),
                                              test::number_bench("svamp", 10, BenchmarkRole::OutOfDomain)};
  write_eval_dir(dir / "base", benches, {2, 5});
  write_eval_dir(dir / "tuned", benches, {6, 5});
  const std::vector<EvalRun> evals = {load_eval_run(dir / "base"), load_eval_run(dir / "tuned", "ReGenesis")};
  write_report(evals, std::nullopt, dir / "report");
  const std::string md = read_file(dir / "report" / "report.md");
  EXPECT_NE(md.find("| gsm8k | in-domain | 20.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("60.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("### ReGenesis vs base"), std::string::npos) << md;
  // gsm8k: questions 2..5 improved, none worsened: p = 2 / 2^4.
  EXPECT_NE(md.find("| 0 | 4 | 0.1250 |"), std::string::npos) << md;
  EXPECT_NE(md.find("![accuracy per benchmark](report.png)"), std::string::npos);
  EXPECT_EQ(read_file(dir / "report" / "report.png").substr(1, 3), "PNG");
  const Json comparison = read_json_file(dir / "report" / "comparison.json");
  EXPECT_EQ(comparison["after"], "ReGenesis");
  EXPECT_NEAR(comparison["benchmarks"][0]["difference"].get<double>(), 0.4, 1e-12);
}

TEST(ReportPage, IncludesTheRunStoreStatistics) {
  test::TempDir dir;
  {
    RunStore store(dir / "run" / "run.db");
    QuestionRow q;
    q.id = "q1";
    q.question = "What is 2+2?";
    q.answer = "4";
    q.answer_type = "number";
    store.add_questions({q});
  }
  write_report({}, dir / "run", dir / "out");
  const std::string md = read_file(dir / "out" / "report.md");
  EXPECT_NE(md.find("## Synthesis"), std::string::npos) << md;
  EXPECT_NE(md.find("Questions in the run: 1"), std::string::npos) << md;
  EXPECT_THROW(write_report({}, std::nullopt, dir / "none"), Error);
  EXPECT_THROW(write_report({}, dir / "absent", dir / "none"), Error);
}

}  // namespace
}  // namespace regenesis
