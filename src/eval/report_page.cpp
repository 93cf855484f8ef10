#include "eval/report_page.h"

#include <algorithm>
#include <sstream>

#include "eval/comparison.h"
#include "store/run_store.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {

std::string synthesis_section(const std::filesystem::path& run) {
  RunStore store(store_path_for(run), StoreOptions{false, false});
  std::ostringstream md;
  md << "## Synthesis (" << store.file().string() << ")\n\n";
  md << "Questions in the run: " << store.questions().size() << "\n\n";
  md << "| mode | outputs | paths | kept paths | questions with paths | questions solved | prompt tokens | "
        "completion tokens |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const char* mode : {"main", "hint"}) {
    const ModeStats s = store.stats(mode);
    if (s.outputs == 0 && s.paths == 0) continue;
    md << "| " << mode << " | " << s.outputs << " | " << s.paths << " | " << s.kept << " | "
       << s.questions_with_paths << " | " << s.questions_solved << " | " << s.prompt_tokens << " | "
       << s.completion_tokens << " |\n";
  }
  const auto exports = store.exports();
  if (!exports.empty()) {
    md << "\n| export | format | rows |\n|---|---|---:|\n";
    for (const ExportRecord& e : exports) md << "| " << e.path << " | " << e.format << " | " << e.rows << " |\n";
  }
  return md.str();
}

std::string evaluations_table(const std::vector<EvalRun>& evals) {
  std::vector<std::string> names, roles;
  for (const EvalRun& run : evals)
    for (const BenchmarkScore& s : run.summary.benchmarks)
      if (std::find(names.begin(), names.end(), s.name) == names.end()) {
        names.push_back(s.name);
        roles.push_back(s.role);
      }
  std::ostringstream md;
  md << "| benchmark | role |";
  for (const EvalRun& run : evals) md << " " << run.label << " (%) |";
  md << "\n|---|---|" ;
  for (size_t i = 0; i < evals.size(); ++i) md << "---|";
  md << "\n";
  for (size_t b = 0; b < names.size(); ++b) {
    md << "| " << names[b] << " | " << roles[b] << " |";
    for (const EvalRun& run : evals) {
      const BenchmarkScore* score = nullptr;
      for (const BenchmarkScore& s : run.summary.benchmarks)
        if (s.name == names[b]) score = &s;
      if (!score)
        md << " - |";
      else
        md << " " << format_percent(score->accuracy()) << " [" << format_percent(score->ci.low) << ", "
           << format_percent(score->ci.high) << "] (n=" << score->n << ") |";
    }
    md << "\n";
  }
  for (const char* role : {"in-domain", "out-of-domain", "extra"}) {
    bool any = false;
    std::ostringstream row;
    row << "| **average " << role << "** | |";
    for (const EvalRun& run : evals) {
      const RoleAverage* average = nullptr;
      for (const RoleAverage& a : run.summary.averages)
        if (a.role == role) average = &a;
      any |= average != nullptr;
      row << " " << (average ? format_percent(average->accuracy) : std::string("-")) << " |";
    }
    if (any) md << row.str() << "\n";
  }
  return md.str();
}

void write_report(const std::vector<EvalRun>& evals, const std::optional<std::filesystem::path>& run,
                  const std::filesystem::path& out_dir) {
  if (evals.empty() && !run) fail("nothing to report: give --eval DIR (one or more) and/or a run");
  std::filesystem::create_directories(out_dir);
  std::ostringstream md;
  md << "# regenesis report\n\n";
  if (run) md << synthesis_section(*run) << "\n";
  if (!evals.empty()) {
    md << "## Evaluations\n\n";
    for (const EvalRun& e : evals) md << "- **" << e.label << "**: " << e.dir.string() << "\n";
    md << "\nAccuracy with its 95% Wilson interval; averages are means over tasks (BBH pooled as one "
          "task).\n\n";
    md << evaluations_table(evals) << "\n";
    BarChart chart;
    if (evals.size() == 2) {
      const Comparison comparison = compare_evals(evals[0], evals[1]);
      chart = comparison_chart(comparison);
      md << "## Comparison\n\n" << comparison_markdown(comparison, 3) << "\n";
      write_file_atomic(out_dir / "comparison.json", comparison_to_json(comparison).dump(2) + "\n");
    } else {
      std::vector<const EvalRun*> pointers;
      for (const EvalRun& e : evals) pointers.push_back(&e);
      chart = accuracy_chart(pointers, "Accuracy per benchmark");
      if (evals.size() > 2) {
        OrderedJson all = OrderedJson::array();
        md << "## Comparisons with " << evals[0].label << "\n\n";
        for (size_t i = 1; i < evals.size(); ++i) {
          const Comparison comparison = compare_evals(evals[0], evals[i]);
          md << comparison_markdown(comparison, 3) << "\n";
          all.push_back(comparison_to_json(comparison));
        }
        write_file_atomic(out_dir / "comparison.json", all.dump(2) + "\n");
      }
    }
    write_chart_files(chart, out_dir, "report");
    md << "![accuracy per benchmark](report.png)\n";
  }
  write_file_atomic(out_dir / "report.md", md.str());
}

}  // namespace regenesis
