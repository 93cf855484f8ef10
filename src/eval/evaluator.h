#pragma once
// `regenesis eval`: zero-shot chain-of-thought over benchmarks through any Generator (greedy,
// one user message per question from the evaluation prompts, rendered with the model's chat
// template by the generator), each completion graded (text/answer.h) and appended to
// predictions.jsonl the moment it arrives. Rerunning with the same --out skips every item
// already in the file, so a killed evaluation loses at most the items in flight.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "eval/eval_benchmark.h"
#include "eval/eval_prompts.h"
#include "eval/eval_summary.h"

namespace regenesis {

struct EvalSettings {
  int max_tokens = 1024;                               // Eurus math evaluation
  std::vector<std::string> stop = {"\n###\nProblem: "};  // Eurus math evaluation
  uint64_t seed = 0;      // per-request seed (greedy decoding does not use it)
  bool restart = false;   // discard what --out holds instead of resuming
  std::string label;      // name in charts and comparisons; default: the --out directory name
};

struct EvalOutcome {
  EvalSummary summary;
  int64_t reused = 0;     // items found in predictions.jsonl
  int64_t generated = 0;  // items generated now
  size_t dropped_bytes = 0;  // a torn last line cut off predictions.jsonl
};

// `identity` names what decides the completions besides the settings and prompts (model,
// adapter, chat template, dtype, backend); it is stored in eval_config.json and a rerun whose
// identity, max_tokens, stop or prompt templates differ is an Error (listing the differences)
// unless settings.restart. A stored item whose prompt differs from the one rendered now (the
// data file changed) is an Error too.
EvalOutcome run_evaluation(Generator& generator, const std::vector<EvalBenchmark>& benches,
                           const EvalPrompts& prompts, const EvalSettings& settings, const OrderedJson& identity,
                           const std::filesystem::path& out_dir);

}  // namespace regenesis
