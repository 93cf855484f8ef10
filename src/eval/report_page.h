#pragma once
// `regenesis report`: one Markdown page over a run and its evaluations: what synthesis did (from
// the run store, when given), accuracy per benchmark for every evaluation, and each evaluation
// compared with the first (paired tests), plus the chart.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/eval_run.h"

namespace regenesis {

// The synthesis section: questions, outputs, paths, kept paths and tokens per mode, exports.
// Opens the store read-only in spirit (it takes the store's lock, so not while a run writes it).
std::string synthesis_section(const std::filesystem::path& run);

// The accuracy table of several evaluations side by side (percent, with Wilson intervals).
std::string evaluations_table(const std::vector<EvalRun>& evals);

// Writes DIR/report.md, the chart (report.png/.svg: the comparison of two evaluations, else the
// accuracies of all) and, for two or more evaluations, comparison.json (each vs the first).
// Error when there is nothing to report.
void write_report(const std::vector<EvalRun>& evals, const std::optional<std::filesystem::path>& run,
                  const std::filesystem::path& out_dir);

}  // namespace regenesis
