#include "store/run_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <tuple>

#include "store/kill_switch.h"
#include "util/error.h"

namespace regenesis {
namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invocations(
  id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, config TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS questions(
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, task TEXT NOT NULL, question TEXT NOT NULL,
  answer TEXT NOT NULL, answer_type TEXT NOT NULL, choices TEXT NOT NULL, rationale TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs(
  question_id TEXT NOT NULL REFERENCES questions(id),
  mode TEXT NOT NULL CHECK(mode IN ('main', 'hint')),
  candidate INTEGER NOT NULL,
  stage TEXT NOT NULL CHECK(stage IN ('select', 'adapt', 'implement', 'execute', 'judge')),
  text TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  finish TEXT NOT NULL, seed TEXT NOT NULL, prompt_hash TEXT NOT NULL,
  PRIMARY KEY(question_id, mode, candidate, stage)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paths(
  question_id TEXT NOT NULL REFERENCES questions(id), mode TEXT NOT NULL,
  candidate INTEGER NOT NULL, guideline_index INTEGER, module TEXT NOT NULL,
  adapted TEXT NOT NULL, structure TEXT NOT NULL, path TEXT NOT NULL, finish TEXT NOT NULL,
  PRIMARY KEY(question_id, mode, candidate)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verdicts(
  question_id TEXT NOT NULL, mode TEXT NOT NULL, candidate INTEGER NOT NULL, gate TEXT NOT NULL,
  passed INTEGER NOT NULL, detail TEXT NOT NULL,
  PRIMARY KEY(question_id, mode, candidate, gate)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kept(
  question_id TEXT NOT NULL, mode TEXT NOT NULL, candidate INTEGER NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(question_id, mode, candidate)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exports(
  id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE, format TEXT NOT NULL,
  rows INTEGER NOT NULL, content_hash TEXT NOT NULL, created_at TEXT NOT NULL);
)sql";

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

bool OutputKey::operator<(const OutputKey& o) const {
  return std::tie(question_id, mode, candidate, stage) <
         std::tie(o.question_id, o.mode, o.candidate, o.stage);
}

std::string OutputKey::to_string() const {
  return mode + "/" + question_id + "/c" + std::to_string(candidate) + "/" + stage;
}

std::filesystem::path store_path_for(const std::filesystem::path& run) {
  if (std::filesystem::is_directory(run)) return run / "run.db";
  return run;
}

RunStore::RunStore(const std::filesystem::path& file, StoreOptions options) : file_(file) {
  bool exists = std::filesystem::exists(file_);
  if (!exists && !options.create) fail(file_.string(), ": no run store here");
  if (!exists && file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path());
  auto lock_path = file_;
  lock_path += "-lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) fail(lock_path.string(), ": cannot open lock file: ", std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    fail(file_.string(), ": another regenesis process is using this run store");
  }
  db_ = std::make_unique<Database>(file_, options.create, options.synchronous_full);
  create_schema();
}

RunStore::~RunStore() {
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

void RunStore::create_schema() {
  Transaction tx(*db_);
  db_->exec(kSchema);
  auto version = meta("schema_version");
  if (!version) {
    set_meta("schema_version", std::to_string(kSchemaVersion));
    set_meta("created_at", now_utc());
  } else if (*version != std::to_string(kSchemaVersion)) {
    fail(file_.string(), ": run store schema version ", *version, ", this build reads version ",
         kSchemaVersion);
  }
  tx.commit();
}

std::optional<std::string> RunStore::meta(const std::string& key) {
  auto stmt = db_->prepare("SELECT value FROM meta WHERE key = ?");
  stmt.bind(1, key);
  if (stmt.step()) return stmt.text(0);
  return std::nullopt;
}

void RunStore::set_meta(const std::string& key, const std::string& value) {
  db_->prepare("INSERT INTO meta(key, value) VALUES(?, ?) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

int64_t RunStore::begin_invocation(const std::string& command, const std::string& config_json) {
  db_->prepare("INSERT INTO invocations(command, config, started_at) VALUES(?, ?, ?)")
      .bind(1, command)
      .bind(2, config_json)
      .bind(3, now_utc())
      .run();
  auto stmt = db_->prepare("SELECT last_insert_rowid()");
  stmt.step();
  return stmt.integer(0);
}

void RunStore::end_invocation(int64_t id, const std::string& status) {
  db_->prepare("UPDATE invocations SET finished_at = ?, status = ? WHERE id = ?")
      .bind(1, now_utc())
      .bind(2, status)
      .bind(3, id)
      .run();
}

int64_t RunStore::add_questions(const std::vector<QuestionRow>& questions, bool replace) {
  Transaction tx(*db_);
  auto find = db_->prepare(
      "SELECT task, question, answer, answer_type, choices FROM questions WHERE id = ?");
  auto insert = db_->prepare(
      "INSERT INTO questions(id, ord, task, question, answer, answer_type, choices, rationale) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, "
      "task = excluded.task, question = excluded.question, answer = excluded.answer, "
      "answer_type = excluded.answer_type, choices = excluded.choices, "
      "rationale = excluded.rationale");
  int64_t added = 0;
  for (const auto& q : questions) {
    find.reset();
    find.bind(1, q.id);
    if (find.step()) {
      bool same = find.text(0) == q.task && find.text(1) == q.question &&
                  find.text(2) == q.answer && find.text(3) == q.answer_type &&
                  find.text(4) == q.choices_json;
      if (same) continue;
      if (!replace)
        fail(file_.string(), ": question '", q.id,
             "' is stored with different content (the data file changed since this run "
             "started); use --force to replace it, or start a new run directory");
    } else {
      ++added;
    }
    insert.reset();
    insert.bind(1, q.id).bind(2, q.ord).bind(3, q.task).bind(4, q.question).bind(5, q.answer);
    insert.bind(6, q.answer_type).bind(7, q.choices_json).bind(8, q.rationale).run();
  }
  tx.commit();
  return added;
}

std::vector<QuestionRow> RunStore::questions() {
  auto stmt = db_->prepare(
      "SELECT id, ord, task, question, answer, answer_type, choices, rationale FROM questions "
      "ORDER BY ord, id");
  std::vector<QuestionRow> rows;
  while (stmt.step()) {
    rows.push_back({stmt.text(0), stmt.integer(1), stmt.text(2), stmt.text(3), stmt.text(4),
                    stmt.text(5), stmt.text(6), stmt.text(7)});
  }
  return rows;
}

void RunStore::put_output(const OutputRecord& output, const PathRecord* path) {
  // Counted per process, not per store: STaR's rounds write several stores in one process.
  static std::atomic<long> output_commits{0};
  long number = ++output_commits;
  Transaction tx(*db_);
  db_->prepare(
         "INSERT INTO outputs(question_id, mode, candidate, stage, text, prompt_tokens, "
         "completion_tokens, finish, seed, prompt_hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, output.key.question_id)
      .bind(2, output.key.mode)
      .bind(3, output.key.candidate)
      .bind(4, output.key.stage)
      .bind(5, output.text)
      .bind(6, output.prompt_tokens)
      .bind(7, output.completion_tokens)
      .bind(8, output.finish)
      .bind(9, std::to_string(output.seed))
      .bind(10, output.prompt_hash)
      .run();
  if (path) {
    auto stmt = db_->prepare(
        "INSERT INTO paths(question_id, mode, candidate, guideline_index, module, adapted, "
        "structure, path, finish) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    stmt.bind(1, path->question_id).bind(2, path->mode).bind(3, path->candidate);
    if (path->guideline_index) stmt.bind(4, *path->guideline_index);
    else stmt.bind_null(4);
    stmt.bind(5, path->module).bind(6, path->adapted).bind(7, path->structure);
    stmt.bind(8, path->path).bind(9, path->finish).run();
  }
  kill_switch::maybe_kill(kill_switch::Point::InsideCommit, number);
  tx.commit();
  kill_switch::maybe_kill(kill_switch::Point::AfterCommit, number);
}

std::map<std::pair<int, std::string>, OutputRecord> RunStore::outputs_for(
    const std::string& question_id, const std::string& mode) {
  auto stmt = db_->prepare(
      "SELECT candidate, stage, text, prompt_tokens, completion_tokens, finish, seed, "
      "prompt_hash FROM outputs WHERE question_id = ? AND mode = ?");
  stmt.bind(1, question_id).bind(2, mode);
  std::map<std::pair<int, std::string>, OutputRecord> rows;
  while (stmt.step()) {
    OutputRecord r;
    r.key = {question_id, mode, static_cast<int>(stmt.integer(0)), stmt.text(1)};
    r.text = stmt.text(2);
    r.prompt_tokens = static_cast<int>(stmt.integer(3));
    r.completion_tokens = static_cast<int>(stmt.integer(4));
    r.finish = stmt.text(5);
    r.seed = std::stoull(stmt.text(6));
    r.prompt_hash = stmt.text(7);
    rows.emplace(std::make_pair(r.key.candidate, r.key.stage), std::move(r));
  }
  return rows;
}

std::vector<PathRecord> RunStore::paths(const std::string& mode) {
  auto stmt = db_->prepare(
      "SELECT p.question_id, p.candidate, p.guideline_index, p.module, p.adapted, p.structure, "
      "p.path, p.finish FROM paths p JOIN questions q ON q.id = p.question_id "
      "WHERE p.mode = ? ORDER BY q.ord, q.id, p.candidate");
  stmt.bind(1, mode);
  std::vector<PathRecord> rows;
  while (stmt.step()) {
    PathRecord r;
    r.question_id = stmt.text(0);
    r.mode = mode;
    r.candidate = static_cast<int>(stmt.integer(1));
    if (!stmt.is_null(2)) r.guideline_index = static_cast<int>(stmt.integer(2));
    r.module = stmt.text(3);
    r.adapted = stmt.text(4);
    r.structure = stmt.text(5);
    r.path = stmt.text(6);
    r.finish = stmt.text(7);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::map<std::string, std::map<std::string, int64_t>> RunStore::output_counts() {
  auto stmt = db_->prepare("SELECT mode, stage, COUNT(*) FROM outputs GROUP BY mode, stage");
  std::map<std::string, std::map<std::string, int64_t>> counts;
  while (stmt.step()) counts[stmt.text(0)][stmt.text(1)] = stmt.integer(2);
  return counts;
}

}  // namespace regenesis
