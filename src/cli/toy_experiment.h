#pragma once
// The steps of `regenesis toy experiment` (cmd_toy_experiment.cpp): question and evaluation sets
// of the toy families, one method's run (synthesize -> filter -> hint step -> export), training on
// its export, and evaluation. Each step skips what its output directory already holds, so a killed
// experiment resumes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "eval/eval_run.h"
#include "pipeline/run_config.h"
#include "train/train_options.h"

namespace regenesis::cli {

// Writes `n` questions of `family` (or of the split's families in turn when family is "in"/"out")
// with `seed` unless `path` exists; an existing file with another count is an error naming it.
void write_toy_question_file(const std::filesystem::path& path, const std::string& family, size_t n,
                             uint64_t seed);

// One question file per family in `dir` (in-domain: n_in each, out-of-domain: n_out each) and
// their `eval --bench` specs NAME=FILE, in-domain families first.
std::vector<std::string> write_toy_eval_sets(const std::filesystem::path& dir, size_t n_in, size_t n_out,
                                             uint64_t seed);

struct EvalSetup {
  std::vector<std::string> benches;  // NAME=FILE
  int max_tokens = 320;
  int threads = 1;
  int batch = 64;
};

// Greedy zero-shot evaluation of `model_dir` into `out_dir` (resumes), toy in-domain families
// tagged in-domain; returns the loaded evaluation.
EvalRun evaluate_toy_model(const std::filesystem::path& model_dir, const EvalSetup& setup,
                           const std::filesystem::path& out_dir, const std::string& label);

struct MethodRunResult {
  std::filesystem::path export_file;
  int64_t rows = 0;
  int64_t questions = 0, solved = 0;  // solved: questions with a kept path (main or hint)
  int64_t generated_tokens = 0;       // all stages, over the run's life
};

// `config` is complete (method, seed, paths); runs the method's whole loop in config.run.dir.
MethodRunResult run_method(const RunConfig& config);

// Trains `base` on `data` into `out_dir` with `settings` (a LoRA run is merged); skips a finished
// training and resumes an interrupted one. Returns the trained model's directory.
std::filesystem::path train_on_export(const TrainOptions& settings, const std::filesystem::path& base,
                                      const std::filesystem::path& data, const std::filesystem::path& out_dir);

// Adds `seconds` to the total kept in `file` and returns the new total: a step's time over every
// run that worked on it, so a resumed experiment reports what its cells cost, not the resume.
double add_seconds(const std::filesystem::path& file, double seconds);

}  // namespace regenesis::cli
