// `regenesis compare RUN... [--eval RUN=DIR]... [--eval-base DIR] [--out DIR]`: methods side by
// side (docs/METHODS.md): data kept per question and tokens spent per training row from each
// run's store, and with evaluations, accuracy per benchmark and the in-domain / out-of-domain
// averages against the untrained model with paired tests; compare.md, compare.json and a chart.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/compare_report.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::vector<std::string> runs;
  std::vector<std::string> evals;  // RUN=DIR
  std::string eval_base;
  std::string out = "compare";
  bool json = false;
};

std::filesystem::path canonical_run(const std::filesystem::path& run) {
  auto dir = std::filesystem::is_directory(run) ? run : run.parent_path();
  return std::filesystem::weakly_canonical(std::filesystem::absolute(dir));
}

void run(const Options& options) {
  std::map<std::filesystem::path, std::filesystem::path> eval_of;
  for (const std::string& spec : options.evals) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      fail("--eval ", spec, ": expected RUN=DIR (a run given to compare, and its model's eval --out)");
    eval_of[canonical_run(spec.substr(0, eq))] = spec.substr(eq + 1);
  }
  std::vector<ComparedRun> runs;
  for (const std::string& path : options.runs) {
    ComparedRun r;
    r.stats = collect_run_stats(path);
    auto key = canonical_run(path);
    auto it = eval_of.find(key);
    if (it != eval_of.end()) {
      r.eval = load_eval_run(it->second);
      eval_of.erase(it);
    } else if (std::filesystem::exists(r.stats.run_dir / "eval" / kResultsJson)) {
      r.eval = load_eval_run(r.stats.run_dir / "eval");  // the conventional place
    }
    runs.push_back(std::move(r));
  }
  if (!eval_of.empty())
    fail("--eval ", eval_of.begin()->first.string(), "=...: that run is not among the runs compared");
  std::optional<EvalRun> base;
  if (!options.eval_base.empty()) base = load_eval_run(options.eval_base, "untrained");
  CompareReport report = build_compare_report(runs, base);
  write_compare_report(report, options.out);
  const std::filesystem::path out = options.out;
  if (options.json) {
    std::printf("%s\n", read_file(out / "compare.json").c_str());
    return;
  }
  std::fputs(report.markdown.c_str(), stdout);
  std::printf("\ntable: %s\nchart: %s, %s\n", (out / "compare.md").c_str(), (out / "compare.png").c_str(),
              (out / "compare.svg").c_str());
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  sub.add_option("RUN", options->runs, "Run directories (or run.db files) of the methods to compare")
      ->required()
      ->expected(1, -1);
  sub.add_option("--eval", options->evals,
                 "RUN=DIR: the `regenesis eval --out` of the model trained on RUN's data (default: "
                 "RUN/eval when it holds results.json); repeatable")
      ->expected(1)
      ->take_all();
  sub.add_option("--eval-base", options->eval_base,
                 "The untrained model's `regenesis eval --out`: differences and paired tests against it");
  sub.add_option("--out", options->out, "Output directory (compare.md, compare.json, compare.png/.svg)")
      ->capture_default_str();
  sub.add_flag("--json", options->json, "Print compare.json instead of the tables");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("compare", "Methods side by side: data kept, tokens spent, accuracy vs the untrained model", setup);

}  // namespace
}  // namespace regenesis::cli
