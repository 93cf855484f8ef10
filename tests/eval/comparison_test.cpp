// Paired comparison of two evaluations: discordant counts, McNemar, averages, unpaired notes.
#include <gtest/gtest.h>

#include "eval/comparison.h"
#include "eval_fixtures.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::number_bench;
using test::verdict;

EvalRun make_run(const std::string& label, const std::vector<EvalBenchmark>& benches, const PredictionIndex& index) {
  EvalRun run;
  run.label = label;
  run.dir = "/tmp/" + label;
  run.summary = summarize(benches, index);
  run.predictions = index;
  return run;
}

TEST(Comparison, CountsDiscordantPairsAndTestsThem) {
  // 20 questions: 5 right in both, 2 right only before, 9 right only after, 4 wrong in both.
  const EvalBenchmark gsm = number_bench("gsm8k", 20, BenchmarkRole::InDomain);
  PredictionIndex before, after;
  for (int i = 0; i < 20; ++i) {
    const std::string id = gsm.questions[i].id;
    const bool was = i < 5 || (i >= 5 && i < 7);
    const bool is = i < 5 || (i >= 7 && i < 16);
    before[{"gsm8k", id}] = verdict("gsm8k", id, was);
    after[{"gsm8k", id}] = verdict("gsm8k", id, is);
  }
  const Comparison c = compare_evals(make_run("base", {gsm}, before), make_run("tuned", {gsm}, after));
  ASSERT_EQ(c.rows.size(), 1u);
  const BenchmarkComparison& r = c.rows[0];
  EXPECT_EQ(r.paired, 20);
  EXPECT_EQ(r.before_correct, 7);
  EXPECT_EQ(r.after_correct, 14);
  EXPECT_EQ(r.only_before, 2);
  EXPECT_EQ(r.only_after, 9);
  EXPECT_DOUBLE_EQ(r.difference(), 0.35);
  // 2 * P(X <= 2), X ~ Bin(11, 1/2) = 2 * (1 + 11 + 55) / 2048.
  EXPECT_NEAR(r.p_value, 134.0 / 2048.0, 1e-15);
  EXPECT_LE(r.bootstrap.low, 0.35);
  EXPECT_GE(r.bootstrap.high, 0.35);
  ASSERT_EQ(c.averages.size(), 1u);
  EXPECT_NEAR(c.averages[0].after - c.averages[0].before, 0.35, 1e-12);

  const std::string md = comparison_markdown(c);
  EXPECT_NE(md.find("# tuned vs base"), std::string::npos) << md;
  EXPECT_NE(md.find("| gsm8k | in-domain | 20 | 35.0 | 70.0 | +35.0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2 | 9 | 0.0654 |"), std::string::npos) << md;
  const Json json = Json::parse(comparison_to_json(c).dump());
  EXPECT_EQ(json["benchmarks"][0]["only_after_correct"], 9);

  const BarChart chart = comparison_chart(c);
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].label, "base");
  EXPECT_EQ(chart.categories, (std::vector<std::string>{"gsm8k", "avg in-domain"}));
  EXPECT_DOUBLE_EQ(chart.series[1].values[0], 0.7);
}

TEST(Comparison, PairsOnlySharedQuestionsAndNotesTheRest) {
  const EvalBenchmark a = number_bench("svamp", 6, BenchmarkRole::OutOfDomain);
  const EvalBenchmark only_after = number_bench("aqua", 2, BenchmarkRole::OutOfDomain);
  const EvalBenchmark only_before = number_bench("anli", 2, BenchmarkRole::OutOfDomain);
  PredictionIndex before, after;
  for (int i = 0; i < 4; ++i) before[{"svamp", a.questions[i].id}] = verdict("svamp", a.questions[i].id, true);
  for (int i = 0; i < 6; ++i) after[{"svamp", a.questions[i].id}] = verdict("svamp", a.questions[i].id, i < 2);
  test::add_verdicts(after, only_after, 1);
  test::add_verdicts(before, only_before, 1);
  const Comparison c = compare_evals(make_run("x", {a, only_before}, before), make_run("y", {a, only_after}, after));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].paired, 4);
  EXPECT_EQ(c.rows[0].only_before, 2);
  EXPECT_EQ(c.rows[0].only_after, 0);
  std::string notes;
  for (const auto& n : c.notes) notes += n + "\n";
  EXPECT_NE(notes.find("aqua is only in y"), std::string::npos) << notes;
  EXPECT_NE(notes.find("anli is only in x"), std::string::npos) << notes;
  EXPECT_NE(notes.find("svamp: 2 questions of y have no prediction in x"), std::string::npos) << notes;
}

TEST(Comparison, NothingSharedIsAnError) {
  const EvalBenchmark a = number_bench("svamp", 2, BenchmarkRole::OutOfDomain);
  const EvalBenchmark b = number_bench("aqua", 2, BenchmarkRole::OutOfDomain);
  PredictionIndex pa, pb;
  test::add_verdicts(pa, a, 1);
  test::add_verdicts(pb, b, 1);
  EXPECT_THROW(compare_evals(make_run("x", {a}, pa), make_run("y", {b}, pb)), Error);
}

}  // namespace
}  // namespace regenesis
