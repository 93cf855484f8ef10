#pragma once
// Logging to stderr and a progress display: a redrawn bar on a terminal, plain periodic lines
// otherwise (CI logs, files).
#include <chrono>
#include <string>

namespace regenesis {

enum class LogLevel { Debug, Info, Warn, Error };
void set_log_level(LogLevel level);
void log_message(LogLevel level, const std::string& message);
inline void log_info(const std::string& m) { log_message(LogLevel::Info, m); }
inline void log_warn(const std::string& m) { log_message(LogLevel::Warn, m); }
inline void log_debug(const std::string& m) { log_message(LogLevel::Debug, m); }

class Progress {
 public:
  Progress(std::string label, long total);
  ~Progress();
  // Advances by `n` items; `detail` is shown after the counts (e.g. "412 tok/s").
  void advance(long n = 1, const std::string& detail = "");
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  long total_;
  long done_ = 0;
  std::string detail_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace regenesis
