#pragma once
// `regenesis compare`: runs of several methods side by side. Per run, what generation kept and
// what it cost (pipeline/run_stats.h); when evaluations of the trained models exist, accuracy
// per benchmark and the in-domain / out-of-domain averages, each against the untrained model
// with the eval module's paired tests (difference on the questions both answered, exact
// McNemar p). Written as compare.md, compare.json and one chart (compare.png / compare.svg).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/comparison.h"
#include "eval/eval_run.h"
#include "pipeline/run_stats.h"
#include "util/json.h"

namespace regenesis::cli {

struct ComparedRun {
  MethodRunStats stats;
  std::string label;               // the method's title, made unique with the run's name
  std::optional<EvalRun> eval;     // the trained model's evaluation
  std::optional<Comparison> vs_base;
};

struct CompareReport {
  std::string markdown;
  OrderedJson json;
  BarChart chart;  // accuracy per benchmark (base and methods), else questions with data
};

// Labels the runs, pairs each evaluation with the base one, and renders everything.
CompareReport build_compare_report(std::vector<ComparedRun>& runs, const std::optional<EvalRun>& base);

// compare.md, compare.json, compare.png, compare.svg in `out` (created), atomically.
void write_compare_report(const CompareReport& report, const std::filesystem::path& out);

}  // namespace regenesis::cli
