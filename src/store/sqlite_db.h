#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements with typed binding,
// and transactions. Every failure becomes an Error naming the database file and the SQL.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace regenesis {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const std::string& db_name);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  // Binding is 1-based, as in SQLite. Returns *this so calls chain.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);

  // Advances to the next row; false when done. Throws on error.
  bool step();
  // Runs to completion (for statements without rows).
  void run();
  void reset();  // makes the statement reusable; bindings are cleared too

  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  int column_count() const;
  std::string column_name(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  const std::string* db_name_;
};

class Database {
 public:
  // Opens (and creates, when `create`) the file. `synchronous_full` chooses PRAGMA synchronous
  // FULL over NORMAL; the journal is always WAL.
  Database(const std::filesystem::path& path, bool create, bool synchronous_full);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  int64_t changes() const;
  const std::string& name() const { return name_; }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string name_;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed without commit() (an exception).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace regenesis
