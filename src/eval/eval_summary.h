#pragma once
// Scores of one evaluation: accuracy with its 95% Wilson interval per benchmark, and the
// in-domain / out-of-domain averages (the mean over tasks, each BBH subtask pooled into one
// "bbh" task, as the paper averages its six OOD tasks). Read and written as results.json, shown
// as results.md.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "eval/eval_benchmark.h"
#include "eval/prediction.h"
#include "eval/stats.h"
#include "util/json.h"

namespace regenesis {

// (bench, question id)
using PredictionKey = std::pair<std::string, std::string>;
using PredictionIndex = std::map<PredictionKey, Prediction>;

struct BenchmarkScore {
  std::string name;
  std::string task_group;
  std::string role;  // "in-domain", "out-of-domain", "extra"
  std::string answer_type;
  std::string file;
  int64_t n = 0;          // questions scored (missing ones count as wrong)
  int64_t correct = 0;
  int64_t extracted = 0;  // completions in which an answer was found
  int64_t truncated = 0;  // completions cut by max_tokens
  int64_t missing = 0;    // questions with no prediction (grade only)
  Interval ci;            // 95% Wilson interval of correct / n
  double accuracy() const { return n > 0 ? static_cast<double>(correct) / n : 0.0; }
};

struct RoleAverage {
  std::string role;
  double accuracy = 0.0;           // mean over tasks of the task's pooled accuracy
  std::vector<std::string> tasks;  // the task groups averaged
};

struct EvalSummary {
  std::vector<BenchmarkScore> benchmarks;
  std::vector<RoleAverage> averages;  // in-domain, out-of-domain, extra (those present)
};

// Scores the questions of `benches` from `predictions`. With count_missing, a question without a
// prediction counts as wrong (and in `missing`); without, it is left out of n.
EvalSummary summarize(const std::vector<EvalBenchmark>& benches, const PredictionIndex& predictions,
                      bool count_missing = true);
std::vector<RoleAverage> role_averages(const std::vector<BenchmarkScore>& scores);

// results.json: {"meta": {...}, "benchmarks": [...], "averages": [...]}.
OrderedJson summary_to_json(const EvalSummary& summary, const OrderedJson& meta);
EvalSummary summary_from_json(const Json& results, const std::string& source);

// results.md: a table of benchmarks and one of averages; `notes` become a bullet list.
std::string summary_markdown(const EvalSummary& summary, const std::string& title,
                             const std::vector<std::string>& notes);

// "63.6" (percent with one decimal)
std::string format_percent(double fraction);

}  // namespace regenesis
