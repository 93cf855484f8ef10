// `regenesis report`: one Markdown page (+ chart) over a run's synthesis statistics and any
// number of evaluations, each compared with the first.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "eval/report_page.h"
#include "util/error.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string run;
  std::vector<std::string> evals;
  std::string out;
};

// "LABEL=DIR" or "DIR" (labelled by its directory name).
EvalRun load_labelled(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq != std::string::npos && eq > 0 && !std::filesystem::exists(spec))
    return load_eval_run(spec.substr(eq + 1), spec.substr(0, eq));
  return load_eval_run(spec);
}

void run(const Options& options) {
  std::vector<EvalRun> evals;
  for (const std::string& spec : options.evals) evals.push_back(load_labelled(spec));
  std::optional<std::filesystem::path> run;
  if (!options.run.empty()) run = options.run;
  write_report(evals, run, options.out);
  const std::filesystem::path out = options.out;
  std::printf("report: %s\n", (out / "report.md").string().c_str());
  if (!evals.empty()) std::printf("chart: %s, %s\n", (out / "report.png").string().c_str(), (out / "report.svg").string().c_str());
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  sub.add_option("run", options->run, "Run directory or run.db whose synthesis statistics to include");
  sub.add_option("--eval", options->evals,
                 "An evaluation's --out directory, optionally LABEL=DIR; repeat the flag for more (the first "
                 "is the baseline)")
      ->allow_extra_args(false);  // one directory per --eval, so a run given after it stays positional
  sub.add_option("--out", options->out, "Output directory (report.md, report.png/.svg, comparison.json)")
      ->required();
  sub.footer("With two evaluations the page compares them per benchmark (paired on question ids: the "
             "difference, a paired-bootstrap interval and the exact McNemar test); with more, each is "
             "compared with the first.");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("report", "Markdown report of a run's synthesis and its evaluations, with charts", setup);

}  // namespace
}  // namespace regenesis::cli
