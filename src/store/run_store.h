#pragma once
// The run database (SQLite, WAL): the run's resolved config, its questions, every stage output,
// the finished paths, the filter verdicts, the kept paths and the exports.
//
// Crash safety: every output is committed in its own transaction the moment it arrives, under
// a primary key (question, mode, candidate, stage), so a killed run loses at most the requests
// in flight and a rerun neither repeats nor duplicates anything. One process at a time: opening
// takes an exclusive lock on "<file>-lock" (released by the kernel even on kill -9).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/sqlite_db.h"

namespace regenesis {

struct StoreOptions {
  bool create = true;            // create the file when it does not exist
  bool synchronous_full = true;  // fsync the WAL at every commit (see docs/PIPELINE.md)
};

// Totals per mode for the summary table.
struct ModeStats {
  int64_t outputs = 0;
  int64_t paths = 0;
  int64_t kept = 0;
  int64_t questions_with_paths = 0;
  int64_t questions_solved = 0;  // with at least one kept path
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

class RunStore {
 public:
  static constexpr int kSchemaVersion = 1;

  explicit RunStore(const std::filesystem::path& file, StoreOptions options = {});
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // Key/value facts about the run: "config" (resolved config JSON), "fingerprint" (of what
  // decides generation), "created_at".
  std::optional<std::string> meta(const std::string& key);
  void set_meta(const std::string& key, const std::string& value);

  // A history of the commands run on this store (for reports; not part of the content dump).
  int64_t begin_invocation(const std::string& command, const std::string& config_json);
  void end_invocation(int64_t id, const std::string& status);

  // Adds questions not yet stored, in one transaction. A stored question with the same id but
  // different content is an Error (the data file changed under the run) unless `replace`.
  // Returns how many were new.
  int64_t add_questions(const std::vector<QuestionRow>& questions, bool replace = false);
  std::vector<QuestionRow> questions();

  // Commits one output (and its path row, for an execute output) in its own transaction.
  void put_output(const OutputRecord& output, const PathRecord* path = nullptr);
  // All outputs of one question in one mode, keyed by (candidate, stage).
  std::map<std::pair<int, std::string>, OutputRecord> outputs_for(const std::string& question_id,
                                                                 const std::string& mode);
  std::vector<PathRecord> paths(const std::string& mode);
  // Number of stored outputs per mode and stage, e.g. counts["main"]["execute"].
  std::map<std::string, std::map<std::string, int64_t>> output_counts();

  // Replaces every verdict and kept path of `mode` with the given ones, atomically.
  void replace_filter_results(const std::string& mode, const std::vector<VerdictRecord>& verdicts,
                              const std::vector<KeptRecord>& kept);
  std::vector<VerdictRecord> verdicts(const std::string& mode);
  std::vector<KeptRecord> kept(const std::string& mode);

  // One row per export path; writing the same path again replaces its row.
  void record_export(const ExportRecord& record);
  std::vector<ExportRecord> exports();

  ModeStats stats(const std::string& mode);

  // A canonical text dump of the content tables (questions, outputs, paths, verdicts, kept,
  // exports without paths and time stamps), one row a line in key order: two stores with the
  // same content give the same dump. Used by the crash-safety tests.
  std::string dump();

 private:
  void create_schema();
  std::filesystem::path file_;
  int lock_fd_ = -1;
  std::unique_ptr<Database> db_;
};

// Where the store of a run lives: RUN may be the run directory (holding run.db) or the store
// file itself.
std::filesystem::path store_path_for(const std::filesystem::path& run);

}  // namespace regenesis
