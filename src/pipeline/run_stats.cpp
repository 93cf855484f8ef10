#include "pipeline/run_stats.h"

#include <cmath>
#include <limits>
#include <set>

#include "pipeline/method.h"
#include "pipeline/star_iterations.h"
#include "store/run_store.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// Adds one store's generation counts (both modes) to `stats`.
void add_generation(RunStore& store, MethodRunStats& stats) {
  for (const char* mode : {"main", "hint"}) {
    ModeStats m = store.stats(mode);
    stats.paths += m.paths;
    stats.prompt_tokens += m.prompt_tokens;
    stats.generated_tokens += m.completion_tokens;
  }
}

void count_kept(RunStore& store, MethodRunStats& stats, std::set<std::string>& kept_questions) {
  for (const char* mode : {"main", "hint"})
    for (const auto& k : store.kept(mode)) {
      ++stats.kept_paths;
      kept_questions.insert(k.question_id);
    }
}

// The distinct meta.question_id of an export file; nullopt when it cannot be read.
std::optional<int64_t> questions_in(const std::filesystem::path& file) {
  if (file.empty() || !std::filesystem::exists(file)) return std::nullopt;
  std::set<std::string> ids;
  for (const auto& line : split(read_file(file), '\n')) {
    if (line.empty()) continue;
    Json row = parse_json(line, file.string());
    if (row.contains("meta") && row["meta"].contains("question_id") && row["meta"]["question_id"].is_string())
      ids.insert(row["meta"]["question_id"].get<std::string>());
  }
  return static_cast<int64_t>(ids.size());
}

}  // namespace

double MethodRunStats::tokens_per_row() const {
  if (training_rows == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(generated_tokens) / static_cast<double>(training_rows);
}

MethodRunStats collect_run_stats(const std::filesystem::path& run) {
  auto file = store_path_for(run);
  if (!std::filesystem::exists(file))
    fail(run.string(), ": no run store here (expected a run directory holding run.db)");
  MethodRunStats stats;
  stats.run_dir = std::filesystem::absolute(file).lexically_normal().parent_path();
  RunStore top(file, {false, true});
  auto config_text = top.meta("config");
  if (!config_text) fail(file.string(), ": the store has no config (was it made by `run`?)");
  Json config = parse_json(*config_text, file.string() + " config");
  stats.method = config.value("method", "regenesis");
  stats.title = method_title(stats.method);
  stats.questions = static_cast<int64_t>(top.questions().size());
  add_generation(top, stats);

  std::set<std::string> kept_questions;
  auto rounds = recorded_star_rounds(top);
  if (rounds.size() > 1) {
    stats.rounds = static_cast<int>(rounds.size());
    Json star = parse_json(*top.meta("star_rounds"), file.string() + " star_rounds");
    stats.training_set = star.value("final_data", "");
    stats.training_rows = star.value("final_rows", int64_t{0});
    for (size_t i = 1; i < rounds.size(); ++i) {
      RunStore round(store_path_for(rounds[i].run_dir), {false, true});
      add_generation(round, stats);
      if (i + 1 == rounds.size()) count_kept(round, stats, kept_questions);
    }
  } else {
    count_kept(top, stats, kept_questions);
    auto exports = top.exports();
    std::string wanted;
    if (config.contains("export") && config["export"].contains("out")) {
      std::filesystem::path out = config["export"].value("out", "");
      wanted = (out.is_absolute() ? out : stats.run_dir / out).lexically_normal().string();
    }
    const ExportRecord* chosen = exports.empty() ? nullptr : &exports.back();
    for (const auto& e : exports)
      if (e.path == wanted) chosen = &e;
    if (chosen) {
      stats.training_set = chosen->path;
      stats.training_rows = chosen->rows;
    }
  }
  stats.questions_with_data =
      questions_in(stats.training_set).value_or(static_cast<int64_t>(kept_questions.size()));
  if (auto labels = top.meta("pseudo_labels"); labels && stats.method == "lmsi") {
    Json j = parse_json(*labels, file.string() + " pseudo_labels");
    stats.pseudo_labels = j.value("questions", int64_t{0});
    stats.pseudo_labels_correct = j.value("majority_correct", int64_t{0});
  }
  return stats;
}

}  // namespace regenesis
