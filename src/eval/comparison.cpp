#include "eval/comparison.h"

#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "util/error.h"

namespace regenesis {
namespace {

const BenchmarkScore* find_score(const EvalSummary& summary, const std::string& name) {
  for (const BenchmarkScore& s : summary.benchmarks)
    if (s.name == name) return &s;
  return nullptr;
}

std::string format_p(double p) {
  char buffer[32];
  if (p < 1e-4)
    std::snprintf(buffer, sizeof buffer, "%.1e", p);
  else
    std::snprintf(buffer, sizeof buffer, "%.4f", p);
  return buffer;
}

std::string signed_points(double difference) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.1f", difference * 100.0);
  return buffer;
}

BenchmarkComparison compare_benchmark(const BenchmarkScore& score, const EvalRun& before, const EvalRun& after,
                                      const ComparisonOptions& options, int64_t& unpaired) {
  BenchmarkComparison row;
  row.name = score.name;
  row.role = score.role;
  row.task_group = score.task_group;
  std::vector<std::pair<bool, bool>> pairs;
  auto lo = after.predictions.lower_bound({score.name, ""});
  for (auto it = lo; it != after.predictions.end() && it->first.first == score.name; ++it) {
    auto match = before.predictions.find(it->first);
    if (match == before.predictions.end()) {
      ++unpaired;
      continue;
    }
    const bool was = match->second.correct, is = it->second.correct;
    pairs.emplace_back(was, is);
    row.before_correct += was;
    row.after_correct += is;
    row.only_before += was && !is;
    row.only_after += !was && is;
  }
  row.paired = static_cast<int64_t>(pairs.size());
  row.p_value = mcnemar_exact_p(row.only_before, row.only_after);
  row.bootstrap = paired_bootstrap_interval(pairs, options.bootstrap_resamples, options.seed);
  row.before_ci = wilson_interval(row.before_correct, row.paired);
  row.after_ci = wilson_interval(row.after_correct, row.paired);
  return row;
}

}  // namespace

Comparison compare_evals(const EvalRun& before, const EvalRun& after, const ComparisonOptions& options) {
  Comparison out;
  out.before_label = before.label;
  out.after_label = after.label;
  if (out.before_label == out.after_label) {
    out.before_label += " (before)";
    out.after_label += " (after)";
  }
  for (const BenchmarkScore& score : after.summary.benchmarks) {
    if (!find_score(before.summary, score.name)) {
      out.notes.push_back("benchmark " + score.name + " is only in " + after.label);
      continue;
    }
    int64_t unpaired = 0;
    BenchmarkComparison row = compare_benchmark(score, before, after, options, unpaired);
    if (unpaired > 0)
      out.notes.push_back(score.name + ": " + std::to_string(unpaired) + " questions of " + after.label +
                          " have no prediction in " + before.label + " and are left out");
    if (row.paired == 0) {
      out.notes.push_back(score.name + ": no question was answered in both evaluations");
      continue;
    }
    out.rows.push_back(std::move(row));
  }
  for (const BenchmarkScore& score : before.summary.benchmarks)
    if (!find_score(after.summary, score.name))
      out.notes.push_back("benchmark " + score.name + " is only in " + before.label);
  if (out.rows.empty())
    fail("evaluations ", before.dir.string(), " and ", after.dir.string(), " share no answered benchmark");
  for (const char* role : {"in-domain", "out-of-domain", "extra"}) {
    std::vector<std::string> order;
    std::map<std::string, std::array<int64_t, 3>> pooled;  // group -> before, after, n
    for (const BenchmarkComparison& row : out.rows) {
      if (row.role != role) continue;
      if (!pooled.count(row.task_group)) {
        order.push_back(row.task_group);
        pooled[row.task_group] = {0, 0, 0};
      }
      auto& p = pooled[row.task_group];
      p[0] += row.before_correct;
      p[1] += row.after_correct;
      p[2] += row.paired;
    }
    if (order.empty()) continue;
    AverageComparison average;
    average.role = role;
    for (const std::string& group : order) {
      const auto& p = pooled[group];
      average.before += static_cast<double>(p[0]) / p[2] / order.size();
      average.after += static_cast<double>(p[1]) / p[2] / order.size();
    }
    average.tasks = order;
    out.averages.push_back(std::move(average));
  }
  return out;
}

OrderedJson comparison_to_json(const Comparison& c) {
  OrderedJson out;
  out["before"] = c.before_label;
  out["after"] = c.after_label;
  out["benchmarks"] = OrderedJson::array();
  for (const BenchmarkComparison& r : c.rows)
    out["benchmarks"].push_back({{"name", r.name},
                                 {"role", r.role},
                                 {"task_group", r.task_group},
                                 {"paired", r.paired},
                                 {"before_correct", r.before_correct},
                                 {"after_correct", r.after_correct},
                                 {"before_accuracy", r.before_accuracy()},
                                 {"after_accuracy", r.after_accuracy()},
                                 {"difference", r.difference()},
                                 {"only_before_correct", r.only_before},
                                 {"only_after_correct", r.only_after},
                                 {"mcnemar_exact_p", r.p_value},
                                 {"bootstrap_ci95", {r.bootstrap.low, r.bootstrap.high}}});
  out["averages"] = OrderedJson::array();
  for (const AverageComparison& a : c.averages)
    out["averages"].push_back({{"role", a.role},
                               {"before", a.before},
                               {"after", a.after},
                               {"difference", a.after - a.before},
                               {"tasks", a.tasks}});
  out["notes"] = c.notes;
  return out;
}

std::string comparison_markdown(const Comparison& c, int heading_level) {
  std::ostringstream md;
  md << std::string(static_cast<size_t>(heading_level), '#') << " " << c.after_label << " vs " << c.before_label
     << "\n\n";
  md << "| benchmark | role | paired n | " << c.before_label << " (%) | " << c.after_label
     << " (%) | difference (points) | 95% CI (paired bootstrap) | only before right | only after right | "
        "McNemar exact p |\n";
  md << "|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n";
  for (const BenchmarkComparison& r : c.rows)
    md << "| " << r.name << " | " << r.role << " | " << r.paired << " | " << format_percent(r.before_accuracy())
       << " | " << format_percent(r.after_accuracy()) << " | " << signed_points(r.difference()) << " | "
       << signed_points(r.bootstrap.low) << " to " << signed_points(r.bootstrap.high) << " | " << r.only_before
       << " | " << r.only_after << " | " << format_p(r.p_value) << " |\n";
  if (!c.averages.empty()) {
    md << "\n| average | tasks | " << c.before_label << " (%) | " << c.after_label
       << " (%) | difference (points) |\n|---|---|---:|---:|---:|\n";
    for (const AverageComparison& a : c.averages) {
      md << "| " << a.role << " | ";
      for (size_t i = 0; i < a.tasks.size(); ++i) md << (i ? ", " : "") << a.tasks[i];
      md << " | " << format_percent(a.before) << " | " << format_percent(a.after) << " | "
         << signed_points(a.after - a.before) << " |\n";
    }
  }
  md << "\nAccuracies are on the questions both evaluations answered. McNemar's exact test uses only the "
        "questions whose verdict changed (binomial, p = 1/2, two-sided).\n";
  if (!c.notes.empty()) {
    md << "\n";
    for (const std::string& note : c.notes) md << "- " << note << "\n";
  }
  return md.str();
}

BarChart comparison_chart(const Comparison& c) {
  BarChart chart;
  chart.title = c.after_label + " vs " + c.before_label;
  ChartSeries before{c.before_label, {}, {}}, after{c.after_label, {}, {}};
  for (const BenchmarkComparison& r : c.rows) {
    chart.categories.push_back(r.name);
    before.values.push_back(r.before_accuracy());
    before.intervals.push_back(r.before_ci);
    after.values.push_back(r.after_accuracy());
    after.intervals.push_back(r.after_ci);
  }
  for (const AverageComparison& a : c.averages) {
    chart.categories.push_back("avg " + a.role);
    before.values.push_back(a.before);
    before.intervals.push_back({a.before, a.before});
    after.values.push_back(a.after);
    after.intervals.push_back({a.after, a.after});
  }
  chart.series = {std::move(before), std::move(after)};
  return chart;
}

}  // namespace regenesis
