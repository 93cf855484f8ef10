#include "eval/eval_benchmark.h"

#include <algorithm>
#include <set>

#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::string base_name(const std::string& name) { return name.substr(0, name.find(':')); }

bool listed(const std::vector<std::string>& list, const std::string& name, const std::string& group) {
  for (const std::string& key : {name, base_name(name), group})
    if (std::find(list.begin(), list.end(), key) != list.end()) return true;
  return false;
}

std::string group_of(const std::string& name, const std::optional<Benchmark>& known) {
  return known && known->name.rfind("bbh_", 0) == 0 ? "bbh" : name;
}

}  // namespace

BenchmarkRole role_for(const std::string& name, const std::optional<Benchmark>& known,
                       const RoleOverrides& overrides) {
  const std::string group = group_of(name, known);
  if (!overrides.in_domain.empty())
    return listed(overrides.in_domain, name, group) ? BenchmarkRole::InDomain : BenchmarkRole::OutOfDomain;
  if (listed(overrides.out_of_domain, name, group)) return BenchmarkRole::OutOfDomain;
  return known ? known->role : BenchmarkRole::Extra;
}

std::vector<EvalBenchmark> load_eval_benchmarks(const std::vector<std::string>& specs,
                                                const std::optional<std::filesystem::path>& data_dir,
                                                std::optional<size_t> limit,
                                                const RoleOverrides& overrides) {
  if (specs.empty()) fail("no benchmark given (--bench NAME, NAME:SPLIT or NAME=FILE)");
  std::vector<EvalBenchmark> out;
  std::set<std::string> seen;
  for (const std::string& spec_text : expand_benchmarks(specs)) {
    const bool user_file = spec_text.find('=') != std::string::npos;
    if (!user_file && !data_dir)
      fail("benchmark '", spec_text, "' needs the data dir: pass --data-dir DIR or set REGENESIS_DATA_DIR "
           "(no ./data or ../shared/data here)");
    const BenchmarkSpec spec = resolve_benchmark(spec_text, data_dir.value_or(std::filesystem::path()));
    if (!seen.insert(spec.name).second) fail("benchmark '", spec.name, "' is given twice");
    EvalBenchmark bench;
    bench.name = spec.name;
    bench.file = spec.file.string();
    bench.role = role_for(spec.name, spec.known, overrides);
    bench.task_group = group_of(spec.name, spec.known);
    bench.questions = load_questions(spec.file, limit);
    if (bench.questions.empty()) fail("benchmark '", spec.name, "': ", bench.file, " holds no questions");
    bench.answer_type = spec.known ? answer_type_name(spec.known->answer_type)
                                   : answer_type_name(bench.questions.front().answer_type);
    out.push_back(std::move(bench));
  }
  for (const auto* list : {&overrides.in_domain, &overrides.out_of_domain})
    for (const std::string& name : *list) {
      const bool found = std::any_of(out.begin(), out.end(), [&](const EvalBenchmark& b) {
        return b.name == name || base_name(b.name) == name || b.task_group == name;
      });
      if (!found) fail("role override '", name, "' names no benchmark of this evaluation");
    }
  return out;
}

}  // namespace regenesis
