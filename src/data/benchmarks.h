#pragma once
// The benchmark sets of /work/shared/data (README there) and their role in the paper
// (PAPER.md section 6): in-domain GSM8K, NumGLUE, ARC-c, ReClor, StrategyQA; out-of-domain ASDiv,
// SVAMP, AQuA, BBH (logical deduction and tracking shuffled objects, 3/5/7), ANLI, OpenBookQA;
// MATH as an extra.
//
// A benchmark is named on the command line as
//   NAME           the registry's default split, e.g. "gsm8k" -> gsm8k/test.jsonl
//   NAME:SPLIT     another split, e.g. "gsm8k:train", "arc_challenge:validation"
//   NAME=FILE      a user's file in the common schema (NAME need not be in the registry)
//   GROUP          "bbh", "in_domain", "out_of_domain" expand to their members (expand_benchmarks)
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/answer_type.h"

namespace regenesis {

enum class BenchmarkRole { InDomain, OutOfDomain, Extra };
const char* benchmark_role_name(BenchmarkRole role);  // "in-domain", "out-of-domain", "extra"

struct Benchmark {
  std::string name;
  AnswerType answer_type;  // of most rows (ASDiv and NumGLUE also hold some `text` rows)
  BenchmarkRole role;
  std::string default_split;
  std::vector<std::pair<std::string, std::string>> splits;  // split -> file relative to the data dir
  std::string description;

  // The file of a split, relative to the data dir; nullopt when the split does not exist.
  std::optional<std::string> file(std::string_view split) const;
};

const std::vector<Benchmark>& benchmark_registry();
std::optional<Benchmark> find_benchmark(std::string_view name);

struct BenchmarkSpec {
  std::string name;              // "gsm8k", "gsm8k:train", or the NAME of NAME=FILE
  std::filesystem::path file;    // absolute or relative to the working directory
  std::string split;             // empty for NAME=FILE
  std::optional<Benchmark> known;  // the registry entry when the name is one
};

// Resolves one NAME, NAME:SPLIT or NAME=FILE. Errors: an unknown name (listing the known ones),
// an unknown split (listing the benchmark's splits), or a file that does not exist.
BenchmarkSpec resolve_benchmark(std::string_view spec, const std::filesystem::path& data_dir);

// Group names expanded ("bbh" -> its six tasks), other specs kept, order preserved.
std::vector<std::string> expand_benchmarks(const std::vector<std::string>& specs);

// $REGENESIS_DATA_DIR when set, else the first of ./data and ../shared/data that exists, else
// nullopt.
std::optional<std::filesystem::path> default_data_dir();

}  // namespace regenesis
