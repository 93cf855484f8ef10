#include "eval/prediction_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/kill_switch.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

// Parses the newline-terminated lines of `text`; returns the length of the complete part.
size_t parse_complete_lines(const std::string& text, const std::filesystem::path& path,
                            std::vector<Prediction>& out) {
  size_t start = 0;
  long line = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) return start;
    ++line;
    if (end - start > limits::kJsonlLineMaxBytes)
      fail_at(path.string(), line, "line longer than " + format_bytes(limits::kJsonlLineMaxBytes));
    const std::string body = text.substr(start, end - start);
    if (body.find_first_not_of(" \t\r") != std::string::npos) {
      try {
        out.push_back(prediction_from_json(parse_json(body, path.string())));
      } catch (const Error& e) {
        fail_at(path.string(), line,
                std::string(e.what()) + " (a damaged predictions file: delete the line, or rerun with --restart)");
      } catch (const std::exception& e) {
        fail_at(path.string(), line, std::string("not a prediction: ") + e.what());
      }
    }
    start = end + 1;
  }
}

}  // namespace

PredictionLog::PredictionLog(const std::filesystem::path& path) : path_(path) {
  std::string text;
  if (std::filesystem::exists(path)) text = read_file(path, limits::kPredictionsFileMaxBytes);
  const size_t complete = parse_complete_lines(text, path, loaded_);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail_at(path.string(), 0, std::string("cannot open for writing: ") + std::strerror(errno));
  if (complete < text.size()) {
    // The unterminated tail of a killed write: cut it so the next line starts clean.
    dropped_bytes_ = text.size() - complete;
    if (::ftruncate(fd_, static_cast<off_t>(complete)) != 0 || ::fsync(fd_) != 0)
      fail_at(path.string(), 0, std::string("cannot cut a torn last line: ") + std::strerror(errno));
  }
  if (::lseek(fd_, 0, SEEK_END) < 0) fail_at(path.string(), 0, "cannot seek to the end");
}

PredictionLog::~PredictionLog() {
  if (fd_ >= 0) ::close(fd_);
}

void PredictionLog::write_all(const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_at(path_.string(), 0, std::string("write failed: ") + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void PredictionLog::append(const Prediction& prediction) {
  const std::string line = prediction_line(prediction);
  const long number = ++appended_;
  const size_t half = line.size() / 2;
  write_all(line.data(), half);
  kill_switch::maybe_kill(kill_switch::Point::InsideCommit, number);
  write_all(line.data() + half, line.size() - half);
  if (::fsync(fd_) != 0) fail_at(path_.string(), 0, std::string("fsync failed: ") + std::strerror(errno));
  kill_switch::maybe_kill(kill_switch::Point::AfterCommit, number);
}

std::vector<Prediction> read_predictions(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) fail(path.string(), ": no such predictions file");
  std::vector<Prediction> out;
  parse_complete_lines(read_file(path, limits::kPredictionsFileMaxBytes), path, out);
  return out;
}

}  // namespace regenesis
