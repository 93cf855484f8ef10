#include "data/benchmarks.h"

#include <cstdlib>

#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

Benchmark entry(std::string name, AnswerType type, BenchmarkRole role, std::string default_split,
                std::vector<std::pair<std::string, std::string>> splits, std::string description) {
  return Benchmark{std::move(name), type, role, std::move(default_split), std::move(splits), std::move(description)};
}

std::vector<Benchmark> build_registry() {
  using T = AnswerType;
  using R = BenchmarkRole;
  std::vector<Benchmark> r;
  r.push_back(entry("gsm8k", T::Number, R::InDomain, "test",
                    {{"test", "gsm8k/test.jsonl"}, {"train", "gsm8k/train.jsonl"}},
                    "grade-school math word problems (OpenAI)"));
  r.push_back(entry("numglue", T::Number, R::InDomain, "all", {{"all", "numglue/types_1_2_5_8.jsonl"}},
                    "NumGLUE types 1, 2, 5, 8 (no official split available; 22 text answers)"));
  r.push_back(entry("arc_challenge", T::Choice, R::InDomain, "test",
                    {{"test", "arc_challenge/test.jsonl"},
                     {"train", "arc_challenge/train.jsonl"},
                     {"validation", "arc_challenge/validation.jsonl"}},
                    "AI2 Reasoning Challenge, challenge set (the paper trains on train+validation)"));
  r.push_back(entry("reclor", T::Choice, R::InDomain, "validation", {{"validation", "reclor/validation.jsonl"}},
                    "ReClor logical reasoning (only the labelled validation split)"));
  r.push_back(entry("strategyqa", T::YesNo, R::InDomain, "test",
                    {{"test", "strategyqa/test.jsonl"}, {"train", "strategyqa/train.jsonl"}},
                    "StrategyQA implicit multi-step yes/no questions"));
  r.push_back(entry("svamp", T::Number, R::OutOfDomain, "test", {{"test", "svamp/test.jsonl"}},
                    "SVAMP arithmetic word problems"));
  r.push_back(entry("asdiv", T::Number, R::OutOfDomain, "test", {{"test", "asdiv/test.jsonl"}},
                    "ASDiv math word problems (2,215 rows; 131 text answers)"));
  r.push_back(entry("aqua", T::Choice, R::OutOfDomain, "test", {{"test", "aqua/test.jsonl"}},
                    "AQuA-RAT algebra word problems, options A-E"));
  r.push_back(entry("openbookqa", T::Choice, R::OutOfDomain, "test",
                    {{"test", "openbookqa/test.jsonl"},
                     {"train", "openbookqa/train.jsonl"},
                     {"validation", "openbookqa/validation.jsonl"}},
                    "OpenBookQA elementary science"));
  r.push_back(entry("anli", T::Choice, R::OutOfDomain, "test", {{"test", "anli/test.jsonl"}},
                    "Adversarial NLI (round-3-sized test set), entailment/neutral/contradiction"));
  for (const char* task : {"logical_deduction", "tracking_shuffled_objects"})
    for (const char* count : {"three", "five", "seven"}) {
      std::string stem = std::string(task) + "_" + count + "_objects";
      r.push_back(entry("bbh_" + stem, T::Choice, R::OutOfDomain, "test", {{"test", "bbh/" + stem + ".jsonl"}},
                        "BIG-Bench Hard " + stem));
    }
  r.push_back(entry("math", T::Math, R::Extra, "test",
                    {{"test", "math/test.jsonl"}, {"train", "math/train.jsonl"}},
                    "MATH competition problems (PRM800K splits)"));
  r.push_back(entry("math500", T::Math, R::Extra, "test", {{"test", "math/test500.jsonl"}},
                    "MATH-500 subset of the MATH test set"));
  return r;
}

std::vector<std::string> names_of(const std::vector<Benchmark>& list) {
  std::vector<std::string> out;
  for (const auto& b : list) out.push_back(b.name);
  return out;
}

std::optional<std::vector<std::string>> group_members(std::string_view group) {
  std::vector<std::string> members;
  for (const auto& b : benchmark_registry()) {
    bool in = (group == "bbh" && b.name.rfind("bbh_", 0) == 0) ||
              (group == "in_domain" && b.role == BenchmarkRole::InDomain) ||
              (group == "out_of_domain" && b.role == BenchmarkRole::OutOfDomain);
    if (in) members.push_back(b.name);
  }
  if (members.empty()) return std::nullopt;
  return members;
}

}  // namespace

const char* benchmark_role_name(BenchmarkRole role) {
  switch (role) {
    case BenchmarkRole::InDomain: return "in-domain";
    case BenchmarkRole::OutOfDomain: return "out-of-domain";
    case BenchmarkRole::Extra: return "extra";
  }
  return "extra";
}

std::optional<std::string> Benchmark::file(std::string_view split) const {
  for (const auto& [name, path] : splits)
    if (name == split) return path;
  return std::nullopt;
}

const std::vector<Benchmark>& benchmark_registry() {
  static const std::vector<Benchmark> registry = build_registry();
  return registry;
}

std::optional<Benchmark> find_benchmark(std::string_view name) {
  for (const auto& b : benchmark_registry())
    if (b.name == name) return b;
  return std::nullopt;
}

BenchmarkSpec resolve_benchmark(std::string_view spec, const std::filesystem::path& data_dir) {
  BenchmarkSpec out;
  size_t eq = spec.find('=');
  if (eq != std::string_view::npos) {
    out.name = trim(spec.substr(0, eq));
    out.file = trim(spec.substr(eq + 1));
    if (out.name.empty() || out.file.empty()) fail("benchmark '", spec, "': expected NAME=FILE");
    out.known = find_benchmark(out.name);
    if (!std::filesystem::exists(out.file)) fail("benchmark '", out.name, "': file ", out.file.string(), " does not exist");
    return out;
  }
  std::string name = trim(spec);
  size_t colon = name.find(':');
  std::string split = colon == std::string::npos ? "" : name.substr(colon + 1);
  std::string base = colon == std::string::npos ? name : name.substr(0, colon);
  auto known = find_benchmark(base);
  if (!known)
    fail("unknown benchmark '", base, "' (known: ", join(names_of(benchmark_registry()), ", "),
         "; groups: bbh, in_domain, out_of_domain; or give NAME=FILE)");
  if (split.empty()) split = known->default_split;
  auto relative = known->file(split);
  if (!relative) {
    std::vector<std::string> splits;
    for (const auto& [s, _] : known->splits) splits.push_back(s);
    fail("benchmark '", base, "' has no split '", split, "' (splits: ", join(splits, ", "), ")");
  }
  out.name = name;
  out.split = split;
  out.known = known;
  out.file = data_dir / *relative;
  if (!std::filesystem::exists(out.file))
    fail("benchmark '", name, "': file ", out.file.string(), " does not exist (is the data dir right?)");
  return out;
}

std::vector<std::string> expand_benchmarks(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    if (auto members = group_members(s)) out.insert(out.end(), members->begin(), members->end());
    else out.push_back(s);
  }
  return out;
}

std::optional<std::filesystem::path> default_data_dir() {
  if (const char* env = std::getenv("REGENESIS_DATA_DIR"); env && *env) return std::filesystem::path(env);
  for (const char* candidate : {"data", "../shared/data"})
    if (std::filesystem::is_directory(candidate)) return std::filesystem::path(candidate);
  return std::nullopt;
}

}  // namespace regenesis
