#pragma once
// The rows of the run store, as plain structs. Modes are "main" (the ReGenesis stages) and
// "hint" (the ground-truth-hint rescue); stages are "select", "adapt", "implement", "execute"
// and "judge" (the optional self-judge gate of the filter).
#include <cstdint>
#include <optional>
#include <string>

namespace regenesis {

struct QuestionRow {
  std::string id;
  int64_t ord = 0;  // position in the input file, so exports follow the input order
  std::string task;
  std::string question;
  std::string answer;
  std::string answer_type;
  std::string choices_json = "[]";
  std::string rationale;
};

// One generated text is identified by these four fields (the table's primary key).
struct OutputKey {
  std::string question_id;
  std::string mode;
  int candidate = 0;
  std::string stage;
  bool operator<(const OutputKey& o) const;
  bool operator==(const OutputKey& o) const = default;
  std::string to_string() const;  // "main/q7/c3/adapt", for request ids and seeds
};

struct OutputRecord {
  OutputKey key;
  std::string text;
  int prompt_tokens = 0;
  int completion_tokens = 0;
  std::string finish;       // "stop" or "length"
  uint64_t seed = 0;        // the per-request sampling seed
  std::string prompt_hash;  // of the exact prompt sent, so a changed prompt set is visible
};

// A finished candidate: the guideline it came from and the texts of its stages.
struct PathRecord {
  std::string question_id;
  std::string mode;
  int candidate = 0;
  std::optional<int> guideline_index;  // set for the raw-guideline singletons
  std::string module;                  // the SELECT reply or the raw guideline
  std::string adapted;
  std::string structure;
  std::string path;
  std::string finish;
};

struct VerdictRecord {
  std::string question_id;
  std::string mode;
  int candidate = 0;
  std::string gate;  // "judge", "boxed", "match", "length", "rewrite", "cap"
  bool passed = false;
  std::string detail;  // what the gate saw (extracted answer, token count, ...)
};

struct KeptRecord {
  std::string question_id;
  std::string mode;
  int candidate = 0;
  std::string text;  // the rewritten path that goes into the fine-tuning set
};

struct ExportRecord {
  std::string path;
  std::string format;
  int64_t rows = 0;
  std::string content_hash;
};

}  // namespace regenesis
