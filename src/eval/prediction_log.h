#pragma once
// The append-only predictions.jsonl of an evaluation, which is also what makes it resumable:
// each prediction is written as one line and fsynced the moment its completion is graded, and
// a rerun reads the file back and skips what is in it. A kill can leave at most one torn line
// (the line is written before its newline), which is detected as the unterminated last line,
// dropped and cut off the file before anything new is appended.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "eval/prediction.h"

namespace regenesis {

class PredictionLog {
 public:
  // Opens `path` for appending, creating it when absent, and reads the complete lines in it.
  // A complete line that is not a valid prediction is an Error "path:line: ...".
  explicit PredictionLog(const std::filesystem::path& path);
  ~PredictionLog();
  PredictionLog(const PredictionLog&) = delete;
  PredictionLog& operator=(const PredictionLog&) = delete;

  const std::vector<Prediction>& loaded() const { return loaded_; }
  // Bytes of a torn last line that were dropped on opening (0 when the file ended cleanly).
  size_t dropped_bytes() const { return dropped_bytes_; }

  // Writes one line and fsyncs it. Test hooks (store/kill_switch.h, counted per log):
  // REGENESIS_TEST_KILL_AFTER_COMMITS=N dies after the N-th line is on disk,
  // REGENESIS_TEST_KILL_IN_COMMIT=N dies with half of the N-th line written (a torn line).
  void append(const Prediction& prediction);

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_all(const char* data, size_t size);
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<Prediction> loaded_;
  size_t dropped_bytes_ = 0;
  long appended_ = 0;
};

// Reads a predictions.jsonl of a finished evaluation (a torn last line is ignored).
std::vector<Prediction> read_predictions(const std::filesystem::path& path);

}  // namespace regenesis
