#pragma once
// The benchmarks of one evaluation: resolved from the command line (NAME, NAME:SPLIT, NAME=FILE,
// groups; data/benchmarks.h), loaded, and tagged in-domain / out-of-domain.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/benchmarks.h"
#include "data/question.h"

namespace regenesis {

// Role tags that replace the paper's defaults (PAPER.md section 6). Names match a benchmark as
// named on the command line, its base name ("gsm8k" matches "gsm8k:train") or its task group
// ("bbh" matches the six BBH subtasks).
//   in_domain given: the listed benchmarks are in-domain and every other one out-of-domain
//                    (the paper trains on one in-domain set at a time; the rest is OOD).
//   out_of_domain:   the listed benchmarks are out-of-domain (e.g. a user's NAME=FILE set).
// Otherwise: the registry's role; a user file whose NAME is not in the registry is "extra".
struct RoleOverrides {
  std::vector<std::string> in_domain;
  std::vector<std::string> out_of_domain;
};

struct EvalBenchmark {
  std::string name;  // as named: "gsm8k", "gsm8k:train", or the NAME of NAME=FILE
  std::string file;
  BenchmarkRole role = BenchmarkRole::Extra;
  // The task it counts toward in role averages: the six BBH subtasks form one task "bbh" (the
  // paper's six OOD tasks count BBH once); every other benchmark is its own task.
  std::string task_group;
  std::string answer_type;  // the registry's type, or of the file's first question
  std::vector<Question> questions;
};

BenchmarkRole role_for(const std::string& name, const std::optional<Benchmark>& known,
                       const RoleOverrides& overrides);

// Expands groups, resolves, loads (the first `limit` questions of each) and tags every spec.
// Errors: no data dir for a registry name, a repeated benchmark, an empty file, an override that
// names no benchmark of the evaluation.
std::vector<EvalBenchmark> load_eval_benchmarks(const std::vector<std::string>& specs,
                                                const std::optional<std::filesystem::path>& data_dir,
                                                std::optional<size_t> limit,
                                                const RoleOverrides& overrides);

}  // namespace regenesis
