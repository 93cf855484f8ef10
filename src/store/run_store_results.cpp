// RunStore: filter results, exports, statistics and the canonical dump.
#include <ctime>

#include <nlohmann/json.hpp>

#include "store/run_store.h"

namespace regenesis {

void RunStore::replace_filter_results(const std::string& mode,
                                      const std::vector<VerdictRecord>& verdicts,
                                      const std::vector<KeptRecord>& kept) {
  Transaction tx(*db_);
  db_->prepare("DELETE FROM verdicts WHERE mode = ?").bind(1, mode).run();
  db_->prepare("DELETE FROM kept WHERE mode = ?").bind(1, mode).run();
  auto insert_verdict = db_->prepare(
      "INSERT INTO verdicts(question_id, mode, candidate, gate, passed, detail) "
      "VALUES(?, ?, ?, ?, ?, ?)");
  for (const auto& v : verdicts) {
    insert_verdict.reset();
    insert_verdict.bind(1, v.question_id).bind(2, mode).bind(3, v.candidate).bind(4, v.gate);
    insert_verdict.bind(5, v.passed ? 1 : 0).bind(6, v.detail).run();
  }
  auto insert_kept = db_->prepare(
      "INSERT INTO kept(question_id, mode, candidate, text) VALUES(?, ?, ?, ?)");
  for (const auto& k : kept) {
    insert_kept.reset();
    insert_kept.bind(1, k.question_id).bind(2, mode).bind(3, k.candidate).bind(4, k.text).run();
  }
  tx.commit();
}

std::vector<VerdictRecord> RunStore::verdicts(const std::string& mode) {
  auto stmt = db_->prepare(
      "SELECT question_id, candidate, gate, passed, detail FROM verdicts WHERE mode = ? "
      "ORDER BY question_id, candidate, gate");
  stmt.bind(1, mode);
  std::vector<VerdictRecord> rows;
  while (stmt.step()) {
    rows.push_back({stmt.text(0), mode, static_cast<int>(stmt.integer(1)), stmt.text(2),
                    stmt.integer(3) != 0, stmt.text(4)});
  }
  return rows;
}

std::vector<KeptRecord> RunStore::kept(const std::string& mode) {
  auto stmt = db_->prepare(
      "SELECT k.question_id, k.candidate, k.text FROM kept k JOIN questions q "
      "ON q.id = k.question_id WHERE k.mode = ? ORDER BY q.ord, q.id, k.candidate");
  stmt.bind(1, mode);
  std::vector<KeptRecord> rows;
  while (stmt.step())
    rows.push_back({stmt.text(0), mode, static_cast<int>(stmt.integer(1)), stmt.text(2)});
  return rows;
}

void RunStore::record_export(const ExportRecord& record) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  // One row per export file: writing the same file again (a resumed `run`) updates its row.
  db_->prepare("INSERT INTO exports(path, format, rows, content_hash, created_at) "
               "VALUES(?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET format = excluded.format, "
               "rows = excluded.rows, content_hash = excluded.content_hash, "
               "created_at = excluded.created_at")
      .bind(1, record.path)
      .bind(2, record.format)
      .bind(3, record.rows)
      .bind(4, record.content_hash)
      .bind(5, std::string(stamp))
      .run();
}

std::vector<ExportRecord> RunStore::exports() {
  auto stmt = db_->prepare("SELECT path, format, rows, content_hash FROM exports ORDER BY id");
  std::vector<ExportRecord> rows;
  while (stmt.step()) rows.push_back({stmt.text(0), stmt.text(1), stmt.integer(2), stmt.text(3)});
  return rows;
}

ModeStats RunStore::stats(const std::string& mode) {
  ModeStats s;
  auto one = [&](const char* sql) {
    auto stmt = db_->prepare(sql);
    stmt.bind(1, mode);
    stmt.step();
    return stmt.integer(0);
  };
  s.outputs = one("SELECT COUNT(*) FROM outputs WHERE mode = ?");
  s.paths = one("SELECT COUNT(*) FROM paths WHERE mode = ?");
  s.kept = one("SELECT COUNT(*) FROM kept WHERE mode = ?");
  s.questions_with_paths = one("SELECT COUNT(DISTINCT question_id) FROM paths WHERE mode = ?");
  s.questions_solved = one("SELECT COUNT(DISTINCT question_id) FROM kept WHERE mode = ?");
  s.prompt_tokens = one("SELECT COALESCE(SUM(prompt_tokens), 0) FROM outputs WHERE mode = ?");
  s.completion_tokens =
      one("SELECT COALESCE(SUM(completion_tokens), 0) FROM outputs WHERE mode = ?");
  return s;
}

std::string RunStore::dump() {
  // Tables and the order that makes each dump canonical (primary keys).
  const std::pair<const char*, const char*> tables[] = {
      {"questions", "SELECT * FROM questions ORDER BY id"},
      {"outputs", "SELECT * FROM outputs ORDER BY question_id, mode, candidate, stage"},
      {"paths", "SELECT * FROM paths ORDER BY question_id, mode, candidate"},
      {"verdicts", "SELECT * FROM verdicts ORDER BY question_id, mode, candidate, gate"},
      {"kept", "SELECT * FROM kept ORDER BY question_id, mode, candidate"},
      {"exports", "SELECT format, rows, content_hash FROM exports ORDER BY id"},
  };
  std::string out;
  for (const auto& [name, sql] : tables) {
    auto stmt = db_->prepare(sql);
    while (stmt.step()) {
      nlohmann::ordered_json row;
      for (int c = 0; c < stmt.column_count(); ++c) {
        if (stmt.is_null(c)) row[stmt.column_name(c)] = nullptr;
        else row[stmt.column_name(c)] = stmt.text(c);
      }
      out += name;
      out += ' ';
      out += row.dump();
      out += '\n';
    }
  }
  return out;
}

}  // namespace regenesis
