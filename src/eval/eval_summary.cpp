#include "eval/eval_summary.h"

#include <cstdio>
#include <sstream>

#include "util/error.h"

namespace regenesis {
namespace {

const char* const kRoleOrder[] = {"in-domain", "out-of-domain", "extra"};

long long require_count(const Json& object, const char* field, const std::string& source) {
  const long long value = require_int(object, field, source);
  if (value < 0) fail(source, ": field '", field, "' must not be negative");
  return value;
}

}  // namespace

std::string format_percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", fraction * 100.0);
  return buffer;
}

EvalSummary summarize(const std::vector<EvalBenchmark>& benches, const PredictionIndex& predictions,
                      bool count_missing) {
  EvalSummary summary;
  for (const EvalBenchmark& bench : benches) {
    BenchmarkScore score;
    score.name = bench.name;
    score.task_group = bench.task_group;
    score.role = benchmark_role_name(bench.role);
    score.answer_type = bench.answer_type;
    score.file = bench.file;
    for (const Question& q : bench.questions) {
      auto it = predictions.find({bench.name, q.id});
      if (it == predictions.end()) {
        ++score.missing;
        if (count_missing) ++score.n;
        continue;
      }
      const Prediction& p = it->second;
      ++score.n;
      score.correct += p.correct ? 1 : 0;
      score.extracted += p.extracted ? 1 : 0;
      score.truncated += p.finish_reason == std::optional<std::string>("length") ? 1 : 0;
    }
    score.ci = wilson_interval(score.correct, score.n);
    summary.benchmarks.push_back(std::move(score));
  }
  summary.averages = role_averages(summary.benchmarks);
  return summary;
}

std::vector<RoleAverage> role_averages(const std::vector<BenchmarkScore>& scores) {
  std::vector<RoleAverage> out;
  for (const char* role : kRoleOrder) {
    // Pool the benchmarks of each task group, then average the groups.
    std::vector<std::string> order;
    std::map<std::string, std::pair<int64_t, int64_t>> pooled;  // group -> (correct, n)
    for (const BenchmarkScore& s : scores) {
      if (s.role != role || s.n == 0) continue;
      if (!pooled.count(s.task_group)) order.push_back(s.task_group);
      pooled[s.task_group].first += s.correct;
      pooled[s.task_group].second += s.n;
    }
    if (order.empty()) continue;
    RoleAverage average;
    average.role = role;
    double sum = 0;
    for (const std::string& group : order) {
      sum += static_cast<double>(pooled[group].first) / static_cast<double>(pooled[group].second);
      average.tasks.push_back(group);
    }
    average.accuracy = sum / static_cast<double>(order.size());
    out.push_back(std::move(average));
  }
  return out;
}

OrderedJson summary_to_json(const EvalSummary& summary, const OrderedJson& meta) {
  OrderedJson out;
  out["meta"] = meta;
  out["benchmarks"] = OrderedJson::array();
  for (const BenchmarkScore& s : summary.benchmarks) {
    OrderedJson b;
    b["name"] = s.name;
    b["task_group"] = s.task_group;
    b["role"] = s.role;
    b["answer_type"] = s.answer_type;
    b["file"] = s.file;
    b["n"] = s.n;
    b["correct"] = s.correct;
    b["accuracy"] = s.accuracy();
    b["ci95"] = {s.ci.low, s.ci.high};
    b["extracted"] = s.extracted;
    b["truncated"] = s.truncated;
    b["missing"] = s.missing;
    out["benchmarks"].push_back(std::move(b));
  }
  out["averages"] = OrderedJson::array();
  for (const RoleAverage& a : summary.averages)
    out["averages"].push_back({{"role", a.role}, {"accuracy", a.accuracy}, {"tasks", a.tasks}});
  return out;
}

EvalSummary summary_from_json(const Json& results, const std::string& source) {
  if (!results.is_object() || !results.contains("benchmarks") || !results["benchmarks"].is_array())
    fail(source, ": field 'benchmarks' must be an array (is this a results.json of regenesis eval?)");
  EvalSummary summary;
  size_t index = 0;
  for (const Json& b : results["benchmarks"]) {
    const std::string where = source + ": benchmarks[" + std::to_string(index++) + "]";
    BenchmarkScore s;
    s.name = require_string(b, "name", where);
    s.task_group = optional_string(b, "task_group", where).value_or(s.name);
    s.role = require_string(b, "role", where);
    s.answer_type = optional_string(b, "answer_type", where).value_or("");
    s.file = optional_string(b, "file", where).value_or("");
    s.n = require_count(b, "n", where);
    s.correct = require_count(b, "correct", where);
    if (s.correct > s.n) fail(where, ": 'correct' (", s.correct, ") exceeds 'n' (", s.n, ")");
    if (b.contains("extracted")) s.extracted = require_count(b, "extracted", where);
    if (b.contains("truncated")) s.truncated = require_count(b, "truncated", where);
    if (b.contains("missing")) s.missing = require_count(b, "missing", where);
    s.ci = wilson_interval(s.correct, s.n);
    summary.benchmarks.push_back(std::move(s));
  }
  summary.averages = role_averages(summary.benchmarks);
  return summary;
}

std::string summary_markdown(const EvalSummary& summary, const std::string& title,
                             const std::vector<std::string>& notes) {
  std::ostringstream md;
  md << "# " << title << "\n\n";
  md << "| benchmark | role | n | correct | accuracy (%) | 95% CI (Wilson) | answer found | truncated |";
  bool any_missing = false;
  for (const BenchmarkScore& s : summary.benchmarks) any_missing |= s.missing > 0;
  md << (any_missing ? " missing |\n" : "\n");
  md << "|---|---|---:|---:|---:|---|---:|---:|" << (any_missing ? "---:|\n" : "\n");
  for (const BenchmarkScore& s : summary.benchmarks) {
    md << "| " << s.name << " | " << s.role << " | " << s.n << " | " << s.correct << " | "
       << format_percent(s.accuracy()) << " | " << format_percent(s.ci.low) << " - " << format_percent(s.ci.high)
       << " | " << s.extracted << " | " << s.truncated << " |";
    if (any_missing) md << " " << s.missing << " |";
    md << "\n";
  }
  if (!summary.averages.empty()) {
    md << "\n| average | tasks | accuracy (%) |\n|---|---|---:|\n";
    for (const RoleAverage& a : summary.averages) {
      md << "| " << a.role << " | ";
      for (size_t i = 0; i < a.tasks.size(); ++i) md << (i ? ", " : "") << a.tasks[i];
      md << " | " << format_percent(a.accuracy) << " |\n";
    }
  }
  if (!notes.empty()) {
    md << "\n";
    for (const std::string& note : notes) md << "- " << note << "\n";
  }
  return md.str();
}

}  // namespace regenesis
