#pragma once
// The fine-tuning set from the kept paths: chat messages ({"messages": [user, assistant],
// "meta": {...}}) or Alpaca (instruction/input/output), user turn = the paper's training prompt,
// deduplicated, capped per question, written atomically and recorded in the store. Only the
// question and the rewritten path are written: no prompt of any stage (and so no hint) is.
#include <filesystem>
#include <string>

#include "store/run_store.h"

namespace regenesis {

struct ExportOptions {
  std::string format = "chat";  // "chat" or "alpaca"
  std::filesystem::path out;
  std::string prompt;  // template with {question}
  int max_per_question = 5;  // 0: no cap
  bool dedup = true;
  bool strip_braces = false;
  bool include_rescue = true;
};

struct ExportResult {
  int64_t rows = 0;
  int64_t duplicates = 0;  // dropped by dedup
  int64_t capped = 0;      // dropped by the per-question cap
  std::string content_hash;
};

// The released convert_format.py: deletes every "\boxed{" and then every "}".
std::string strip_braces_quirk(std::string text);

// The JSONL text of the export (one object a line) and its counts.
std::string render_export(RunStore& store, const ExportOptions& options, ExportResult& result);

// Renders, writes atomically to options.out and records it in the store.
ExportResult export_dataset(RunStore& store, const ExportOptions& options);

}  // namespace regenesis
