#pragma once
// Two evaluations of the same questions side by side (e.g. the base model and the model after
// ReGenesis training): per benchmark the accuracies on the questions both answered, the
// difference, the exact McNemar test on the discordant pairs and a paired-bootstrap 95% interval
// of the difference; per role the averaged difference.
#include <cstdint>
#include <string>
#include <vector>

#include "eval/bar_chart.h"
#include "eval/eval_run.h"

namespace regenesis {

struct BenchmarkComparison {
  std::string name;
  std::string role;  // from the "after" evaluation
  std::string task_group;
  int64_t paired = 0;          // questions with a prediction in both
  int64_t before_correct = 0;
  int64_t after_correct = 0;
  int64_t only_before = 0;     // right before, wrong after (McNemar's b)
  int64_t only_after = 0;      // wrong before, right after (McNemar's c)
  double p_value = 1.0;        // exact McNemar, two-sided
  Interval bootstrap;          // paired bootstrap 95% interval of after - before
  Interval before_ci, after_ci;  // Wilson 95% of each accuracy on the paired questions
  double before_accuracy() const { return paired ? static_cast<double>(before_correct) / paired : 0.0; }
  double after_accuracy() const { return paired ? static_cast<double>(after_correct) / paired : 0.0; }
  double difference() const { return after_accuracy() - before_accuracy(); }
};

struct AverageComparison {
  std::string role;
  double before = 0.0, after = 0.0;  // mean over tasks of the paired accuracies
  std::vector<std::string> tasks;
};

struct Comparison {
  std::string before_label, after_label;
  std::vector<BenchmarkComparison> rows;
  std::vector<AverageComparison> averages;
  std::vector<std::string> notes;  // benchmarks in only one evaluation, unpaired questions
};

struct ComparisonOptions {
  int bootstrap_resamples = 2000;  // 0: no bootstrap interval
  uint64_t seed = 1;
};

// Benchmarks are matched by name, questions by id. Error when the two share no benchmark.
Comparison compare_evals(const EvalRun& before, const EvalRun& after, const ComparisonOptions& options = {});

OrderedJson comparison_to_json(const Comparison& comparison);
std::string comparison_markdown(const Comparison& comparison, int heading_level = 1);
// Before vs after accuracies on the paired questions (with Wilson whiskers), role averages last.
BarChart comparison_chart(const Comparison& comparison);

}  // namespace regenesis
