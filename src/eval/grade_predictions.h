#pragma once
// `regenesis grade`: grades completions produced elsewhere (another engine, an API, an earlier
// run) with the same extraction and equivalence rules as `eval`.
// Input JSONL, one object a line: {"id": string or integer, "completion": string,
// optional "bench": benchmark name as given to --bench, optional "prompt": string}. A
// predictions.jsonl of `regenesis eval` is such a file.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eval/eval_benchmark.h"
#include "eval/eval_summary.h"

namespace regenesis {

struct GradeInput {
  std::string file;  // where it was read, for messages
  long line = 0;
  std::optional<std::string> bench;
  std::string id;
  std::string completion;
  std::optional<std::string> prompt;
};

// Errors name the file and line (a missing field, a wrong type).
std::vector<GradeInput> read_grade_inputs(const std::filesystem::path& path);

struct GradeOptions {
  bool ignore_unknown = false;  // unknown ids are reported instead of being an Error
  bool only_predicted = false;  // score only questions with a prediction (else missing = wrong)
};

struct GradeOutcome {
  std::vector<Prediction> predictions;  // in input order
  EvalSummary summary;
  std::vector<std::string> unknown;  // "line 7: id 'x'" for predictions matching no question
  std::map<std::string, std::vector<std::string>> missing;  // bench -> ids with no prediction
};

// Matches each input to a question: by (bench, id) when the line names a bench, else by id
// across all benchmarks. Errors: an id in two benchmarks without a 'bench' field, two
// predictions for one question, unknown ids (unless ignore_unknown), no prediction matching
// any question.
GradeOutcome grade_inputs(const std::vector<EvalBenchmark>& benches, const std::vector<GradeInput>& inputs,
                          const GradeOptions& options = {});

}  // namespace regenesis
