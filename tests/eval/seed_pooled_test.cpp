// Methods vs a baseline pooled over seeds: each seed's pairs are matched within the seed, counts
// add up over seeds and over a role's benchmarks, the McNemar p-value is the exact binomial tail
// of the pooled discordant pairs (worked out here by hand), per-seed accuracies are each seed's
// own, and the head-to-head rows compare two methods directly.
#include <gtest/gtest.h>

#include "eval/seed_pooled.h"
#include "eval_fixtures.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::number_bench;
using test::verdict;

EvalRun make_run(const std::string& label, const std::vector<EvalBenchmark>& benches, const PredictionIndex& index) {
  EvalRun run;
  run.label = label;
  run.summary = summarize(benches, index);
  run.predictions = index;
  return run;
}

// `right[i]` says whether question i of `bench` is answered correctly.
void mark(PredictionIndex& index, const EvalBenchmark& bench, const std::vector<bool>& right) {
  for (size_t i = 0; i < bench.questions.size(); ++i)
    index[{bench.name, bench.questions[i].id}] = verdict(bench.name, bench.questions[i].id, right[i]);
}

std::vector<bool> first_k(size_t n, size_t k) {
  std::vector<bool> v(n, false);
  for (size_t i = 0; i < k && i < n; ++i) v[i] = true;
  return v;
}

class SeedPooled : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two seeds; each has an in-domain benchmark "arith" (10 questions) and an out-of-domain
    // "ordering" (10). Seed s's question ids differ (its own evaluation set), so a pair never
    // crosses seeds.
    for (int s = 0; s < 2; ++s) {
      const std::string suffix = "-s" + std::to_string(s);
      EvalBenchmark arith = number_bench("arith", 10, BenchmarkRole::InDomain);
      EvalBenchmark ordering = number_bench("ordering", 10, BenchmarkRole::OutOfDomain);
      for (auto* b : {&arith, &ordering})
        for (auto& q : b->questions) q.id += suffix;
      PredictionIndex base, star, regen;
      // arith: base right on the first 3; STaR on the first 4 (seed 0) / 3 (seed 1);
      // ReGenesis on the first 8 (seed 0) / 7 (seed 1).
      mark(base, arith, first_k(10, 3));
      mark(star, arith, first_k(10, s == 0 ? 4 : 3));
      mark(regen, arith, first_k(10, s == 0 ? 8 : 7));
      // ordering: base right on the first 5; STaR on the first 5; ReGenesis on the first 4.
      mark(base, ordering, first_k(10, 5));
      mark(star, ordering, first_k(10, 5));
      mark(regen, ordering, first_k(10, 4));
      base_.push_back(make_run("base" + suffix, {arith, ordering}, base));
      star_.push_back(make_run("star" + suffix, {arith, ordering}, star));
      regen_.push_back(make_run("regen" + suffix, {arith, ordering}, regen));
    }
  }
  static std::vector<const EvalRun*> pointers(const std::vector<EvalRun>& runs) {
    std::vector<const EvalRun*> out;
    for (const auto& r : runs) out.push_back(&r);
    return out;
  }
  std::vector<EvalRun> base_, star_, regen_;
};

TEST_F(SeedPooled, PoolsPairsOverSeedsPerBenchmarkAndRole) {
  const auto rows = pool_over_seeds(pointers(base_), pointers(regen_));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].category, "arith");
  EXPECT_EQ(rows[1].category, "ordering");
  EXPECT_EQ(rows[2].category, "in-domain");
  EXPECT_TRUE(rows[2].is_average);
  EXPECT_EQ(rows[3].category, "out-of-domain");

  const PooledComparison& arith = rows[0];
  EXPECT_EQ(arith.pairs, 20);
  EXPECT_EQ(arith.before_correct, 6);
  EXPECT_EQ(arith.after_correct, 15);
  EXPECT_EQ(arith.only_before, 0);
  EXPECT_EQ(arith.only_after, 9);
  // 2 * P(X <= 0), X ~ Bin(9, 1/2) = 2 / 512.
  EXPECT_NEAR(arith.p_value, 2.0 / 512.0, 1e-15);
  EXPECT_NEAR(arith.difference(), 0.45, 1e-12);
  EXPECT_GT(arith.difference_ci.low, 0.0);  // 9 of 9 discordant pairs favour ReGenesis
  EXPECT_LE(arith.difference_ci.high, 0.45 + 0.3);
  EXPECT_EQ(arith.after_by_seed, (std::vector<double>{0.8, 0.7}));
  EXPECT_EQ(arith.before_by_seed, (std::vector<double>{0.3, 0.3}));
  EXPECT_NEAR(arith.after_ci.low, wilson_interval(15, 20).low, 1e-12);

  const PooledComparison& out = rows[3];
  EXPECT_EQ(out.pairs, 20);
  EXPECT_EQ(out.only_before, 2);  // question 4 of each seed
  EXPECT_EQ(out.only_after, 0);
  EXPECT_NEAR(out.p_value, 0.5, 1e-15);  // 2 * P(X <= 0), X ~ Bin(2, 1/2)
  // The in-domain role pools only arith here: the same counts.
  EXPECT_EQ(rows[2].only_after, arith.only_after);
  EXPECT_EQ(rows[2].pairs, arith.pairs);
}

TEST_F(SeedPooled, TableHasTheBaselineMethodsHeadToHeadAndMarkdown) {
  const SeedTable t = build_seed_table("no training", pointers(base_),
                                       {{"STaR", pointers(star_)}, {"ReGenesis", pointers(regen_)}},
                                       {"seed 1", "seed 2"}, "ReGenesis");
  EXPECT_EQ(t.methods, (std::vector<std::string>{"no training", "STaR", "ReGenesis"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][0].difference(), 0.0);  // the baseline against itself
  EXPECT_EQ(t.rows[1][0].after_correct, 7);   // STaR arith: 4 + 3
  ASSERT_EQ(t.head_to_head.size(), 1u);
  EXPECT_EQ(t.head_to_head[0].first, "STaR");
  const PooledComparison& h = t.head_to_head[0].second[0];  // arith: ReGenesis - STaR
  EXPECT_EQ(h.before_correct, 7);
  EXPECT_EQ(h.after_correct, 15);
  EXPECT_EQ(h.only_after, 8);

  const std::string md = seed_table_markdown(t);
  EXPECT_NE(md.find("| method | arith | ordering | in-domain (avg) | out-of-domain (avg) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| ReGenesis | 75.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("**+45.0 ["), std::string::npos) << md;  // the interval excludes zero: bold
  EXPECT_NE(md.find("| ReGenesis - STaR |"), std::string::npos) << md;
  EXPECT_NE(md.find("| ReGenesis | 80.0 / 40.0 | 70.0 / 40.0 |"), std::string::npos) << md;

  const Json json = Json::parse(seed_table_json(t).dump());
  EXPECT_EQ(json["methods"][2]["vs_baseline"][0]["only_after"], 9);
  const BarChart chart = seed_table_chart(t, "toy");
  EXPECT_EQ(chart.series.size(), 3u);
  EXPECT_EQ(chart.categories.size(), 4u);
  EXPECT_DOUBLE_EQ(chart.series[2].values[0], 0.75);
}

TEST_F(SeedPooled, MismatchedSeedsOrDisjointQuestionsAreErrors) {
  EXPECT_THROW(pool_over_seeds(pointers(base_), {&regen_[0]}), Error);
  // Seed 1's baseline against seed 0's method: no shared question ids.
  EXPECT_THROW(pool_over_seeds({&base_[1]}, {&regen_[0]}), Error);
}

}  // namespace
}  // namespace regenesis
