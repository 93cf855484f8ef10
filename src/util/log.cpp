#include "util/log.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace regenesis {
namespace {
LogLevel g_level = LogLevel::Info;
std::mutex g_mutex;
const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
  }
  return "";
}
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }

void log_message(LogLevel level, const std::string& message) {
  if (level < g_level) return;
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "[%s] %s\n", level_name(level), message.c_str());
}

Progress::Progress(std::string label, long total)
    : label_(std::move(label)), total_(total), tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(long n, const std::string& detail) {
  done_ += n;
  detail_ = detail;
  auto now = std::chrono::steady_clock::now();
  // A terminal is redrawn ~10 times a second; a log gets a line every 10 s.
  auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000);
  if (now - last_draw_ >= interval || done_ == total_) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = seconds > 0 ? done_ / seconds : 0;
  double eta = (rate > 0 && total_ > done_) ? (total_ - done_) / rate : 0;
  std::lock_guard lock(g_mutex);
  if (tty_) {
    int width = 30;
    int filled = total_ > 0 ? static_cast<int>(width * std::min(1.0, double(done_) / total_)) : 0;
    std::string bar(filled, '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %ld/%ld %.1fs eta %.0fs %s\033[K%s", label_.c_str(), bar.c_str(),
                 done_, total_, seconds, eta, detail_.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "[info] %s: %ld/%ld after %.1fs %s\n", label_.c_str(), done_, total_,
                 seconds, detail_.c_str());
  }
  std::fflush(stderr);
}

}  // namespace regenesis
