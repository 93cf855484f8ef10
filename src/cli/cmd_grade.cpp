// `regenesis grade`: grades completions produced elsewhere with the extraction and equivalence
// rules of `eval`, and writes the same outputs (predictions.jsonl, results.json/.md, chart).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "eval/eval_run.h"
#include "eval/grade_predictions.h"
#include "util/error.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::vector<std::string> benches;
  std::string predictions;
  std::string out;
  std::string data_dir;
  std::vector<std::string> in_domain, out_of_domain;
  std::string label;
  GradeOptions grade;
  bool json = false;
};

std::vector<std::string> comma_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values)
    for (const std::string& part : split(value, ','))
      if (!trim(part).empty()) out.push_back(trim(part));
  return out;
}

std::vector<std::string> missing_notes(const GradeOutcome& outcome, bool only_predicted) {
  std::vector<std::string> notes;
  for (const auto& [bench, ids] : outcome.missing) {
    std::vector<std::string> shown(ids.begin(), ids.begin() + std::min<size_t>(ids.size(), 5));
    notes.push_back(bench + ": " + std::to_string(ids.size()) + " questions have no prediction" +
                    (only_predicted ? " (left out of n)" : " (counted as wrong)") + ", e.g. " + join(shown, ", "));
  }
  return notes;
}

void run(const Options& options) {
  const std::filesystem::path out = options.out;
  if (std::filesystem::exists(out / "eval_config.json"))
    fail(out.string(), " is the output of `regenesis eval`; give `grade` another --out");
  std::optional<std::filesystem::path> data_dir =
      options.data_dir.empty() ? default_data_dir() : std::optional<std::filesystem::path>(options.data_dir);
  const auto benches = load_eval_benchmarks(options.benches, data_dir, std::nullopt,
                                            {comma_list(options.in_domain), comma_list(options.out_of_domain)});
  const auto inputs = read_grade_inputs(options.predictions);
  const GradeOutcome outcome = grade_inputs(benches, inputs, options.grade);

  std::filesystem::create_directories(out);
  std::string lines;
  for (const Prediction& p : outcome.predictions) lines += prediction_line(p);
  write_file_atomic(out / kPredictionsFile, lines);

  std::vector<std::string> notes = {
      "Graded " + std::to_string(outcome.predictions.size()) + " completions from " + options.predictions +
      " with src/text/answer.h (the rules of `regenesis eval`)."};
  for (const std::string& note : missing_notes(outcome, options.grade.only_predicted)) notes.push_back(note);
  if (!outcome.unknown.empty())
    notes.push_back(std::to_string(outcome.unknown.size()) + " predictions matched no question and were ignored, "
                    "e.g. " + outcome.unknown.front());
  for (const std::string& note : notes)
    if (note.find("no prediction") != std::string::npos || note.find("matched no") != std::string::npos)
      log_warn(note);

  const std::string label =
      options.label.empty() ? std::filesystem::path(options.predictions).stem().string() : options.label;
  OrderedJson meta;
  meta["command"] = "grade";
  meta["label"] = label;
  meta["predictions"] = std::filesystem::absolute(options.predictions).lexically_normal().string();
  meta["graded"] = outcome.predictions.size();
  meta["unknown"] = outcome.unknown;
  OrderedJson missing = OrderedJson::object();
  for (const auto& [bench, ids] : outcome.missing) missing[bench] = ids.size();
  meta["missing"] = missing;
  meta["missing_counted_as_wrong"] = !options.grade.only_predicted;
  write_eval_results(out, outcome.summary, meta, "Grading: " + label, notes);

  if (options.json) {
    std::printf("%s\n", read_file(out / kResultsJson).c_str());
    return;
  }
  for (const BenchmarkScore& s : outcome.summary.benchmarks)
    std::printf("%-40s %5lld/%-5lld %6s%%  [%s, %s]  missing %lld\n", s.name.c_str(),
                static_cast<long long>(s.correct), static_cast<long long>(s.n), format_percent(s.accuracy()).c_str(),
                format_percent(s.ci.low).c_str(), format_percent(s.ci.high).c_str(),
                static_cast<long long>(s.missing));
  std::printf("results: %s\n", (out / kResultsMarkdown).string().c_str());
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  sub.add_option("--bench", options->benches, "Benchmark: NAME, NAME:SPLIT, NAME=FILE or a group; repeatable")
      ->required()
      ->expected(1, -1);
  sub.add_option("--predictions", options->predictions,
                 "JSONL: {\"id\": ..., \"completion\": TEXT, optional \"bench\"} per line")
      ->required();
  sub.add_option("--out", options->out, "Output directory (predictions.jsonl, results.json/.md, charts)")->required();
  sub.add_option("--data-dir", options->data_dir,
                 "Directory of the benchmark files (default: $REGENESIS_DATA_DIR, ./data or ../shared/data)");
  sub.add_option("--in-domain", options->in_domain, "Comma-separated benchmarks to tag in-domain")->expected(1, -1);
  sub.add_option("--out-of-domain", options->out_of_domain, "Comma-separated benchmarks to tag out-of-domain")
      ->expected(1, -1);
  sub.add_option("--label", options->label, "Name in charts and comparisons (default: the predictions file name)");
  sub.add_flag("--ignore-unknown", options->grade.ignore_unknown,
               "Grade the rest when some predictions match no question (listed in results.md)");
  sub.add_flag("--only-predicted", options->grade.only_predicted,
               "Score only questions that have a prediction (default: a missing one counts as wrong)");
  sub.add_flag("--json", options->json, "Print results.json instead of the summary table");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("grade", "Grade completions produced elsewhere with the rules of `eval`", setup);

}  // namespace
}  // namespace regenesis::cli
