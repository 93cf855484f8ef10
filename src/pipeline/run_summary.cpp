// RunSession::summary_table: the table `run` ends with.
#include <cstdio>
#include <set>

#include "pipeline/run_session.h"
#include "util/json.h"

namespace regenesis {
namespace {

std::string row(const std::string& label, const std::string& value) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "  %-30s %s\n", label.c_str(), value.c_str());
  return buffer;
}

std::string fraction(int64_t part, int64_t whole) {
  char buffer[64];
  double pct = whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  std::snprintf(buffer, sizeof buffer, "%lld / %lld (%.1f%%)", static_cast<long long>(part),
                static_cast<long long>(whole), pct);
  return buffer;
}

}  // namespace

std::string filter_report(const std::string& mode, const FilterSummary& summary) {
  std::string out = "filter (" + mode + "): " + std::to_string(summary.paths) + " paths, " +
                    std::to_string(summary.kept) + " kept, " +
                    std::to_string(summary.questions_solved) + "/" +
                    std::to_string(summary.questions_with_paths) + " questions with a kept path";
  if (summary.pseudo_labels > 0)
    out += "; majority answer = gold for " + std::to_string(summary.pseudo_labels_correct) + "/" +
           std::to_string(summary.pseudo_labels) + " questions";
  if (!summary.failed_at.empty()) {
    out += "; stopped at:";
    for (const auto& [gate, count] : summary.failed_at) out += " " + gate + " " + std::to_string(count);
  }
  return out;
}

std::string RunSession::summary_table(double seconds, const std::optional<ExportResult>& exported,
                                      const std::filesystem::path& export_path) {
  ModeStats main = store_->stats("main");
  ModeStats hint = store_->stats("hint");
  std::set<std::string> solved_main, solved_all;
  for (const auto& k : store_->kept("main")) solved_main.insert(k.question_id);
  solved_all = solved_main;
  for (const auto& k : store_->kept("hint")) solved_all.insert(k.question_id);
  auto n = [](int64_t v) { return std::to_string(v); };
  int64_t questions = static_cast<int64_t>(questions_.size());

  std::string out = "\n" + method_->title() + " run summary (" + store_->file().string() + ")\n";
  out += row("questions", n(questions));
  out += row("paths generated (main)", n(main.paths));
  out += row("paths kept (main)", n(main.kept));
  if (config_.method == "regenesis") {
    out += row("solved before rescue", fraction(static_cast<int64_t>(solved_main.size()), questions));
    out += row("questions rescued with hints", n(hint.questions_with_paths));
    out += row("paths generated (rescue)", n(hint.paths));
    out += row("paths kept (rescue)", n(hint.kept));
    out += row("solved after rescue", fraction(static_cast<int64_t>(solved_all.size()), questions));
  } else if (config_.method == "star") {
    out += row("solved before rationalization", fraction(static_cast<int64_t>(solved_main.size()), questions));
    out += row("questions rationalized (hints)", n(hint.questions_with_paths));
    out += row("paths generated (rationalized)", n(hint.paths));
    out += row("paths kept (rationalized)", n(hint.kept));
    out += row("solved after rationalization", fraction(static_cast<int64_t>(solved_all.size()), questions));
  } else {
    out += row("questions with a kept path", fraction(static_cast<int64_t>(solved_main.size()), questions));
  }
  if (auto labels = store_->meta("pseudo_labels"); labels && config_.method == "lmsi") {
    Json j = parse_json(*labels, "pseudo_labels");
    out += row("majority answer = gold", fraction(j.value("majority_correct", int64_t{0}),
                                                  j.value("questions", int64_t{0})));
  }
  out += row("prompt tokens (all stages)", n(main.prompt_tokens + hint.prompt_tokens));
  out += row("generated tokens (all stages)", n(main.completion_tokens + hint.completion_tokens));
  out += row("generated this invocation", n(generated_tokens()) + " tokens");
  if (exported)
    out += row("exported rows", n(exported->rows) + " -> " + export_path.string());
  char time_text[64];
  std::snprintf(time_text, sizeof time_text, "%.1f s", seconds);
  out += row("time", time_text);
  return out;
}

}  // namespace regenesis
