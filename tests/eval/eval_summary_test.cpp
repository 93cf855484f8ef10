// Scores per benchmark, role averages (BBH pooled as one task), results.json round trip.
#include <gtest/gtest.h>

#include "eval/eval_summary.h"
#include "eval_fixtures.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::add_verdicts;
using test::number_bench;

TEST(EvalSummary, CountsAccuracyIntervalExtractionAndTruncation) {
  const EvalBenchmark gsm = number_bench("gsm8k", 10, BenchmarkRole::InDomain);
  PredictionIndex index;
  add_verdicts(index, gsm, 7);
  index[{"gsm8k", "gsm8k-9"}] = test::verdict("gsm8k", "gsm8k-9", false, true);
  const EvalSummary summary = summarize({gsm}, index);
  ASSERT_EQ(summary.benchmarks.size(), 1u);
  const BenchmarkScore& s = summary.benchmarks[0];
  EXPECT_EQ(s.n, 10);
  EXPECT_EQ(s.correct, 7);
  EXPECT_EQ(s.extracted, 7);
  EXPECT_EQ(s.truncated, 1);
  EXPECT_DOUBLE_EQ(s.accuracy(), 0.7);
  EXPECT_EQ(s.role, "in-domain");
  const Interval ci = wilson_interval(7, 10);
  EXPECT_EQ(s.ci.low, ci.low);
  EXPECT_EQ(s.ci.high, ci.high);
}

TEST(EvalSummary, MissingPredictionsCountAsWrongOrAreLeftOut) {
  const EvalBenchmark b = number_bench("svamp", 4, BenchmarkRole::OutOfDomain);
  PredictionIndex index;
  index[{"svamp", "svamp-0"}] = test::verdict("svamp", "svamp-0", true);
  const BenchmarkScore counted = summarize({b}, index, true).benchmarks[0];
  EXPECT_EQ(counted.n, 4);
  EXPECT_EQ(counted.missing, 3);
  EXPECT_DOUBLE_EQ(counted.accuracy(), 0.25);
  const BenchmarkScore left_out = summarize({b}, index, false).benchmarks[0];
  EXPECT_EQ(left_out.n, 1);
  EXPECT_EQ(left_out.missing, 3);
  EXPECT_DOUBLE_EQ(left_out.accuracy(), 1.0);
}

TEST(EvalSummary, RoleAveragesAreMeansOverTasksWithBbhPooled) {
  // In-domain: 50% and 100% -> 75%. OOD: svamp 20%, and two BBH subtasks 1/4 and 3/6 pooled
  // as one task 4/10 = 40% (not the mean of 25% and 50%) -> (20% + 40%) / 2 = 30%.
  const std::vector<EvalBenchmark> benches = {
      number_bench("gsm8k", 4, BenchmarkRole::InDomain),
      number_bench("strategyqa", 2, BenchmarkRole::InDomain),
      number_bench("svamp", 5, BenchmarkRole::OutOfDomain),
      number_bench("bbh_a", 4, BenchmarkRole::OutOfDomain, "bbh"),
      number_bench("bbh_b", 6, BenchmarkRole::OutOfDomain, "bbh"),
  };
  PredictionIndex index;
  const int correct[] = {2, 2, 1, 1, 3};
  for (size_t i = 0; i < benches.size(); ++i) add_verdicts(index, benches[i], correct[i]);
  const EvalSummary summary = summarize(benches, index);
  ASSERT_EQ(summary.averages.size(), 2u);
  EXPECT_EQ(summary.averages[0].role, "in-domain");
  EXPECT_NEAR(summary.averages[0].accuracy, 0.75, 1e-12);
  EXPECT_EQ(summary.averages[1].role, "out-of-domain");
  EXPECT_NEAR(summary.averages[1].accuracy, 0.30, 1e-12);
  EXPECT_EQ(summary.averages[1].tasks, (std::vector<std::string>{"svamp", "bbh"}));
}

TEST(EvalSummary, JsonRoundTripAndMarkdown) {
  const std::vector<EvalBenchmark> benches = {number_bench("gsm8k", 8, BenchmarkRole::InDomain),
                                              number_bench("mine", 3, BenchmarkRole::Extra)};
  PredictionIndex index;
  add_verdicts(index, benches[0], 3);
  add_verdicts(index, benches[1], 0);
  const EvalSummary summary = summarize(benches, index);
  const OrderedJson json = summary_to_json(summary, {{"label", "base"}});
  const Json parsed = Json::parse(json.dump());
  EXPECT_EQ(parsed["meta"]["label"], "base");
  EXPECT_EQ(parsed["benchmarks"][0]["correct"], 3);
  EXPECT_DOUBLE_EQ(parsed["benchmarks"][0]["accuracy"].get<double>(), 3.0 / 8.0);
  const EvalSummary back = summary_from_json(parsed, "results.json");
  ASSERT_EQ(back.benchmarks.size(), 2u);
  EXPECT_EQ(back.benchmarks[1].name, "mine");
  EXPECT_EQ(back.benchmarks[1].role, "extra");
  EXPECT_EQ(back.benchmarks[0].ci.low, summary.benchmarks[0].ci.low);
  EXPECT_EQ(back.averages.size(), summary.averages.size());

  const std::string md = summary_markdown(summary, "Evaluation: base", {"a note"});
  EXPECT_NE(md.find("# Evaluation: base"), std::string::npos);
  EXPECT_NE(md.find("| gsm8k | in-domain | 8 | 3 | 37.5 | "), std::string::npos) << md;
  EXPECT_NE(md.find("| mine | extra | 3 | 0 | 0.0 | 0.0 - "), std::string::npos) << md;
  EXPECT_NE(md.find("- a note"), std::string::npos);
}

TEST(EvalSummary, BadResultsJsonIsAnErrorNamingTheField) {
  Json bad = {{"benchmarks", {{{"name", "x"}, {"role", "extra"}, {"n", 2}, {"correct", 3}}}}};
  try {
    summary_from_json(bad, "r.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("r.json: benchmarks[0]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(summary_from_json(Json::object(), "r.json"), Error);
}

}  // namespace
}  // namespace regenesis
