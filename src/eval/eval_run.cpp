#include "eval/eval_run.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "eval/prediction_log.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

std::string average_category(const std::string& role) { return "avg " + role; }

}  // namespace

std::string directory_label(const std::filesystem::path& dir) {
  std::filesystem::path normal = std::filesystem::absolute(dir).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  const std::string name = normal.filename().string();
  return name.empty() ? dir.string() : name;
}

EvalRun load_eval_run(const std::filesystem::path& dir, const std::string& label) {
  if (!std::filesystem::is_directory(dir)) fail(dir.string(), ": not a directory (an evaluation --out)");
  const auto results = dir / kResultsJson;
  if (!std::filesystem::exists(results))
    fail(dir.string(), ": no ", kResultsJson, " (is it the --out of regenesis eval or grade, and did it finish?)");
  EvalRun run;
  run.dir = dir;
  const Json json = read_json_file(results);
  run.summary = summary_from_json(json, results.string());
  // The label given here, else the one the evaluation was run with, else the directory name.
  run.label = label;
  if (run.label.empty() && json.contains("meta") && json["meta"].contains("label") && json["meta"]["label"].is_string())
    run.label = json["meta"]["label"].get<std::string>();
  if (run.label.empty()) run.label = directory_label(dir);
  for (Prediction& p : read_predictions(dir / kPredictionsFile)) {
    PredictionKey key{p.bench, p.id};
    run.predictions[key] = std::move(p);  // a later line for the same item wins
  }
  return run;
}

void write_eval_results(const std::filesystem::path& dir, const EvalSummary& summary, const OrderedJson& meta,
                        const std::string& title, const std::vector<std::string>& notes) {
  write_file_atomic(dir / kResultsJson, summary_to_json(summary, meta).dump(2) + "\n");
  write_file_atomic(dir / kResultsMarkdown, summary_markdown(summary, title, notes));
  std::string label = meta.contains("label") && meta["label"].is_string() ? meta["label"].get<std::string>() : "accuracy";
  write_chart_files(accuracy_chart(summary, label, title), dir, "accuracy");
}

BarChart accuracy_chart(const std::vector<const EvalRun*>& runs, const std::string& title) {
  BarChart chart;
  chart.title = title;
  std::vector<std::string> roles;
  for (const EvalRun* run : runs) {
    for (const BenchmarkScore& s : run->summary.benchmarks)
      if (std::find(chart.categories.begin(), chart.categories.end(), s.name) == chart.categories.end())
        chart.categories.push_back(s.name);
    for (const RoleAverage& a : run->summary.averages)
      if (std::find(roles.begin(), roles.end(), a.role) == roles.end()) roles.push_back(a.role);
  }
  const size_t benchmarks = chart.categories.size();
  for (const std::string& role : roles) chart.categories.push_back(average_category(role));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const EvalRun* run : runs) {
    ChartSeries series;
    series.label = run->label;
    series.values.assign(chart.categories.size(), nan);
    series.intervals.assign(chart.categories.size(), Interval{0, 0});
    for (size_t c = 0; c < benchmarks; ++c)
      for (const BenchmarkScore& s : run->summary.benchmarks)
        if (s.name == chart.categories[c] && s.n > 0) {
          series.values[c] = s.accuracy();
          series.intervals[c] = s.ci;
        }
    for (size_t r = 0; r < roles.size(); ++r)
      for (const RoleAverage& a : run->summary.averages)
        if (a.role == roles[r]) {
          series.values[benchmarks + r] = a.accuracy;
          series.intervals[benchmarks + r] = {a.accuracy, a.accuracy};  // no whisker for a mean of tasks
        }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

BarChart accuracy_chart(const EvalSummary& summary, const std::string& label, const std::string& title) {
  EvalRun run;
  run.label = label;
  run.summary = summary;
  return accuracy_chart(std::vector<const EvalRun*>{&run}, title);
}

void write_chart_files(const BarChart& chart, const std::filesystem::path& dir, const std::string& name) {
  write_bar_chart_png(chart, dir / (name + ".png"));
  write_bar_chart_svg(chart, dir / (name + ".svg"));
}

}  // namespace regenesis
