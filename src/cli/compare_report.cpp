#include "cli/compare_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "eval/eval_summary.h"
#include "util/files.h"

namespace regenesis::cli {
namespace {

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "–";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string points(double difference) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.1f", difference * 100.0);
  return buffer;
}

std::string p_text(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, p < 1e-4 ? "%.1e" : "%.4f", p);
  return buffer;
}

const BenchmarkScore* score_of(const EvalRun& eval, const std::string& bench) {
  for (const auto& s : eval.summary.benchmarks)
    if (s.name == bench) return &s;
  return nullptr;
}

const RoleAverage* average_of(const EvalRun& eval, const std::string& role) {
  for (const auto& a : eval.summary.averages)
    if (a.role == role) return &a;
  return nullptr;
}

const BenchmarkComparison* row_of(const ComparedRun& run, const std::string& bench) {
  if (!run.vs_base) return nullptr;
  for (const auto& r : run.vs_base->rows)
    if (r.name == bench) return &r;
  return nullptr;
}

const AverageComparison* avg_row_of(const ComparedRun& run, const std::string& role) {
  if (!run.vs_base) return nullptr;
  for (const auto& a : run.vs_base->averages)
    if (a.role == role) return &a;
  return nullptr;
}

// "STaR", or "STaR (runs/star-2)" when two runs share a method.
void label_runs(std::vector<ComparedRun>& runs) {
  std::map<std::string, int> count;
  for (const auto& r : runs) ++count[r.stats.title];
  for (auto& r : runs)
    r.label = count[r.stats.title] > 1 ? r.stats.title + " (" + r.stats.run_dir.filename().string() + ")"
                                       : r.stats.title;
}

std::string data_table(const std::vector<ComparedRun>& runs) {
  std::string md =
      "## Data\n\n| method | run | questions | paths generated | kept by the filter | training rows | "
      "rows / question | questions with data | generated tokens | tokens / training row |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<std::string> notes;
  for (const auto& r : runs) {
    const auto& s = r.stats;
    double share = s.questions > 0 ? static_cast<double>(s.questions_with_data) / s.questions : 0.0;
    md += "| " + r.label + " | " + s.run_dir.string() + " | " + std::to_string(s.questions) + " | " +
          std::to_string(s.paths) + " | " + std::to_string(s.kept_paths) + " | " +
          std::to_string(s.training_rows) + " | " + fixed(s.rows_per_question(), 2) + " | " +
          std::to_string(s.questions_with_data) + " (" + format_percent(share) + "%) | " +
          std::to_string(s.generated_tokens) + " | " + fixed(s.tokens_per_row(), 1) + " |\n";
    if (s.pseudo_labels)
      notes.push_back(r.label + ": the majority answer equals the gold answer for " +
                      std::to_string(*s.pseudo_labels_correct) + " of " + std::to_string(*s.pseudo_labels) +
                      " questions (pseudo-label quality; never used for selection).");
    if (s.rounds > 1)
      notes.push_back(r.label + ": " + std::to_string(s.rounds) + " STaR rounds; paths and tokens summed over "
                      "the rounds, training rows are the final set (" + s.training_set.string() + ").");
  }
  md += "\nGenerated tokens count every request of the method (all stages, hint steps included).\n";
  for (const auto& n : notes) md += "\n- " + n;
  return md + (notes.empty() ? "" : "\n");
}

std::string accuracy_table(const std::vector<ComparedRun>& runs, const std::optional<EvalRun>& base) {
  std::vector<std::string> benches, roles;
  std::map<std::string, std::string> role_of;
  auto collect = [&](const EvalRun& e) {
    for (const auto& s : e.summary.benchmarks)
      if (!role_of.count(s.name)) {
        benches.push_back(s.name);
        role_of[s.name] = s.role;
      }
    for (const auto& a : e.summary.averages)
      if (std::find(roles.begin(), roles.end(), a.role) == roles.end()) roles.push_back(a.role);
  };
  if (base) collect(*base);
  for (const auto& r : runs)
    if (r.eval) collect(*r.eval);
  std::string md = "## Accuracy (%)\n\n| benchmark | role |";
  std::string rule = "|---|---|";
  if (base) md += " untrained |", rule += "---:|";
  for (const auto& r : runs) {
    if (!r.eval) continue;
    md += " " + r.label + " |";
    rule += "---:|";
    if (r.vs_base) md += " Δ | p |", rule += "---:|---:|";
  }
  md += "\n" + rule + "\n";
  auto cells = [&](const std::string& name, const std::string& role, auto own, auto paired) {
    std::string line = "| " + name + " | " + role + " |";
    if (base) line += " " + own(*base) + " |";
    for (const auto& r : runs) {
      if (!r.eval) continue;
      line += " " + own(*r.eval) + " |";
      if (r.vs_base) line += paired(r);
    }
    return line + "\n";
  };
  for (const auto& bench : benches) {
    md += cells(
        bench, role_of[bench],
        [&](const EvalRun& e) {
          const auto* s = score_of(e, bench);
          return s ? format_percent(s->accuracy()) : std::string("–");
        },
        [&](const ComparedRun& r) {
          const auto* row = row_of(r, bench);
          return row ? " " + points(row->difference()) + " | " + p_text(row->p_value) + " |" : std::string(" – | – |");
        });
  }
  for (const auto& role : roles) {
    md += cells(
        "**average**", role,
        [&](const EvalRun& e) {
          const auto* a = average_of(e, role);
          return a ? format_percent(a->accuracy) : std::string("–");
        },
        [&](const ComparedRun& r) {
          const auto* a = avg_row_of(r, role);
          return a ? " " + points(a->after - a->before) + " | |" : std::string(" – | |");
        });
  }
  if (base)
    md += "\nΔ: points against the untrained model on the questions both evaluations answered; p: exact "
          "McNemar test on those pairs (two-sided). Averages are over tasks, as in the paper.\n";
  return md;
}

OrderedJson run_json(const ComparedRun& r) {
  const auto& s = r.stats;
  OrderedJson j;
  j["label"] = r.label;
  j["method"] = s.method;
  j["run_dir"] = s.run_dir.string();
  j["rounds"] = s.rounds;
  j["questions"] = s.questions;
  j["paths"] = s.paths;
  j["kept_paths"] = s.kept_paths;
  j["training_set"] = s.training_set.string();
  j["training_rows"] = s.training_rows;
  j["rows_per_question"] = s.rows_per_question();
  j["questions_with_data"] = s.questions_with_data;
  j["prompt_tokens"] = s.prompt_tokens;
  j["generated_tokens"] = s.generated_tokens;
  j["tokens_per_training_row"] = std::isnan(s.tokens_per_row()) ? OrderedJson(nullptr) : OrderedJson(s.tokens_per_row());
  if (s.pseudo_labels)
    j["pseudo_labels"] = {{"questions", *s.pseudo_labels}, {"majority_correct", *s.pseudo_labels_correct}};
  j["eval"] = nullptr;
  if (r.eval) {
    OrderedJson e;
    e["dir"] = r.eval->dir.string();
    for (const auto& b : r.eval->summary.benchmarks) e["accuracy"][b.name] = b.accuracy();
    for (const auto& a : r.eval->summary.averages) e["averages"][a.role] = a.accuracy;
    j["eval"] = e;
  }
  j["vs_untrained"] = r.vs_base ? comparison_to_json(*r.vs_base) : OrderedJson(nullptr);
  return j;
}

}  // namespace

CompareReport build_compare_report(std::vector<ComparedRun>& runs, const std::optional<EvalRun>& base) {
  label_runs(runs);
  bool any_eval = false;
  for (auto& r : runs) {
    if (!r.eval) continue;
    any_eval = true;
    r.eval->label = r.label;
    if (base) r.vs_base = compare_evals(*base, *r.eval);
  }
  CompareReport report;
  report.markdown = "# Methods compared\n\n" + data_table(runs);
  if (any_eval || base) report.markdown += "\n" + accuracy_table(runs, base);
  else
    report.markdown += "\nNo evaluation results: give `--eval RUN=DIR` (the `regenesis eval --out` of the model "
                       "trained on RUN's data) and `--eval-base DIR` (the untrained model's).\n";

  report.json["runs"] = OrderedJson::array();
  for (const auto& r : runs) report.json["runs"].push_back(run_json(r));
  report.json["untrained"] = nullptr;
  if (base) {
    OrderedJson b;
    b["dir"] = base->dir.string();
    for (const auto& s : base->summary.benchmarks) b["accuracy"][s.name] = s.accuracy();
    for (const auto& a : base->summary.averages) b["averages"][a.role] = a.accuracy;
    report.json["untrained"] = b;
  }

  if (any_eval || base) {
    std::vector<const EvalRun*> series;
    EvalRun base_labelled;
    if (base) {
      base_labelled = *base;
      base_labelled.label = "untrained";
      series.push_back(&base_labelled);
    }
    for (const auto& r : runs)
      if (r.eval) series.push_back(&*r.eval);
    report.chart = accuracy_chart(series, "Accuracy by method");
  } else {
    BarChart chart;
    chart.title = "Questions with training data, by method";
    chart.y_label = "questions with data (%)";
    ChartSeries s;
    s.label = "questions with data";
    for (const auto& r : runs) {
      chart.categories.push_back(r.label);
      s.values.push_back(r.stats.questions > 0
                             ? static_cast<double>(r.stats.questions_with_data) / r.stats.questions
                             : 0.0);
    }
    chart.series.push_back(s);
    report.chart = chart;
  }
  return report;
}

void write_compare_report(const CompareReport& report, const std::filesystem::path& out) {
  std::filesystem::create_directories(out);
  write_file_atomic(out / "compare.md", report.markdown);
  write_file_atomic(out / "compare.json", report.json.dump(2) + "\n");
  write_chart_files(report.chart, out, "compare");
}

}  // namespace regenesis::cli
