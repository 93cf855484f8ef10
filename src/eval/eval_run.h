#pragma once
// The files of one evaluation directory (written by `eval` and `grade`, read by `report` and
// `eval --baseline`):
//   predictions.jsonl  one graded item a line (eval/prediction.h); append-only during `eval`
//   results.json       scores per benchmark and averages (eval/eval_summary.h) with run meta
//   results.md         the same as Markdown tables
//   accuracy.png/.svg  bar chart of accuracy per benchmark with 95% intervals
//   eval_config.json   (eval only) what decides the completions, checked on resume
#include <filesystem>
#include <string>
#include <vector>

#include "eval/bar_chart.h"
#include "eval/eval_summary.h"

namespace regenesis {

inline constexpr const char* kPredictionsFile = "predictions.jsonl";
inline constexpr const char* kResultsJson = "results.json";
inline constexpr const char* kResultsMarkdown = "results.md";

struct EvalRun {
  std::string label;
  std::filesystem::path dir;
  EvalSummary summary;
  PredictionIndex predictions;
};

// Reads results.json and predictions.jsonl of `dir`; the label defaults to the one in
// results.json (meta.label), else the directory name.
// Errors name the missing file ("DIR: no results.json: is it the --out of regenesis eval?").
EvalRun load_eval_run(const std::filesystem::path& dir, const std::string& label = "");

// The default label of an evaluation directory: its name ("out/base/" -> "base").
std::string directory_label(const std::filesystem::path& dir);

// Writes results.json, results.md and accuracy.png/.svg into `dir` (atomically).
void write_eval_results(const std::filesystem::path& dir, const EvalSummary& summary, const OrderedJson& meta,
                        const std::string& title, const std::vector<std::string>& notes);

// Accuracy per benchmark of one or more evaluations (one series each, Wilson whiskers); a
// benchmark missing from an evaluation has no bar there. Role averages are added as categories.
BarChart accuracy_chart(const std::vector<const EvalRun*>& runs, const std::string& title);
BarChart accuracy_chart(const EvalSummary& summary, const std::string& label, const std::string& title);

// Writes chart as NAME.png and NAME.svg in `dir`.
void write_chart_files(const BarChart& chart, const std::filesystem::path& dir, const std::string& name);

}  // namespace regenesis
