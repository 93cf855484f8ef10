#pragma once
// Methods compared with a baseline over several seeds (the toy experiment, docs/TOY.md): for each
// seed the baseline and every method were evaluated on that seed's questions (matched by benchmark
// and question id), so each (seed, question) is one pair. Pairs are pooled over the seeds, per
// benchmark and per role (all of a role's benchmarks' questions together), and tested as in
// eval/comparison.h: exact McNemar on the discordant pairs, a paired-bootstrap 95% interval of
// the difference, Wilson intervals of each accuracy.
#include <cstdint>
#include <string>
#include <vector>

#include "eval/bar_chart.h"
#include "eval/comparison.h"
#include "eval/eval_run.h"
#include "util/json.h"

namespace regenesis {

struct PooledComparison {
  std::string category;  // a benchmark name, or "in-domain" / "out-of-domain" (the role pooled)
  std::string role;
  bool is_average = false;
  int64_t pairs = 0, before_correct = 0, after_correct = 0;
  int64_t only_before = 0, only_after = 0;  // McNemar's b and c
  double p_value = 1.0;
  Interval difference_ci{0, 0};
  Interval before_ci, after_ci;
  std::vector<double> before_by_seed, after_by_seed;  // accuracy of each seed's pairs
  double before_accuracy() const { return pairs ? double(before_correct) / pairs : 0.0; }
  double after_accuracy() const { return pairs ? double(after_correct) / pairs : 0.0; }
  double difference() const { return after_accuracy() - before_accuracy(); }
};

// before[s] and after[s] are seed s's evaluations (the same number of seeds). Rows: the
// benchmarks of after[0] in its order, then one per role ("in-domain", "out-of-domain") that has
// benchmarks. Error when the seed counts differ or a seed shares no question.
std::vector<PooledComparison> pool_over_seeds(const std::vector<const EvalRun*>& before,
                                              const std::vector<const EvalRun*>& after,
                                              const ComparisonOptions& options = {});

struct SeedMethod {
  std::string name;                  // "STaR", "ReGenesis", ...
  std::vector<const EvalRun*> runs;  // one per seed
};

struct SeedTable {
  std::string baseline;              // the baseline's name ("no training")
  std::vector<std::string> seeds;    // labels, for the per-seed table
  std::vector<std::string> methods;  // the baseline first, then the methods
  // [method][category]: method vs the baseline (the baseline's own row compares it with itself).
  std::vector<std::vector<PooledComparison>> rows;
  // Head to head: `reference` against each other method (after = reference).
  std::string reference;
  std::vector<std::pair<std::string, std::vector<PooledComparison>>> head_to_head;
};

// `reference` names one of `methods` ("" for no head-to-head section).
SeedTable build_seed_table(const std::string& baseline_name, const std::vector<const EvalRun*>& baseline,
                           const std::vector<SeedMethod>& methods, const std::vector<std::string>& seed_labels,
                           const std::string& reference, const ComparisonOptions& options = {});

std::string seed_table_markdown(const SeedTable& table);
OrderedJson seed_table_json(const SeedTable& table);
// Pooled accuracy per category (benchmarks, then role averages), one series per method, with
// Wilson whiskers.
BarChart seed_table_chart(const SeedTable& table, const std::string& title);

}  // namespace regenesis
