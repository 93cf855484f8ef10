#pragma once
// What a finished run of any method produced and what it cost, read from its run store (and,
// for STaR with outer iterations, from every round's store): the numbers `regenesis compare`
// puts side by side.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace regenesis {

struct MethodRunStats {
  std::filesystem::path run_dir;
  std::string method;  // config.method
  std::string title;   // "STaR", ...
  int rounds = 1;      // STaR's outer iterations that ran
  int64_t questions = 0;
  int64_t paths = 0;              // generated, every mode and round
  int64_t kept_paths = 0;         // passed the filter, every mode (of the last round)
  int64_t prompt_tokens = 0;      // every request of every stage, mode and round
  int64_t generated_tokens = 0;
  std::filesystem::path training_set;  // the export the model is trained on ("" when none)
  int64_t training_rows = 0;
  int64_t questions_with_data = 0;     // distinct questions in the training set
  std::optional<int64_t> pseudo_labels, pseudo_labels_correct;  // LMSI's majority vs gold

  double rows_per_question() const {
    return questions > 0 ? static_cast<double>(training_rows) / static_cast<double>(questions) : 0.0;
  }
  // Generated tokens spent per training row (NaN with no rows).
  double tokens_per_row() const;
};

// RUN: a run directory or its run.db. The training set is STaR's final set for a run with
// rounds, else the export recorded for the config's export.out (else the latest export).
// Errors name the run when it has no store.
MethodRunStats collect_run_stats(const std::filesystem::path& run);

}  // namespace regenesis
