#include "util/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace regenesis {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_at(path.string(), 0, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail_at(path.string(), 0, "read error");
  return buffer.str();
}

std::string format_bytes(size_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) value /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, value == static_cast<double>(static_cast<size_t>(value)) ? "%.0f %s" : "%.1f %s",
                value, kUnits[unit]);
  return text;
}

std::string read_file(const std::filesystem::path& path, size_t max_bytes) {
  auto too_large = [&]() {
    fail_at(path.string(), 0, "file is larger than " + format_bytes(max_bytes) +
                                  ", the limit for this kind of file");
  };
  // A regular file's size is known up front: refuse it before reading a byte.
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) too_large();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_at(path.string(), 0, std::string("cannot open: ") + std::strerror(errno));
  // Pipes and files that grow while read are bounded as they are read.
  std::string content;
  char chunk[1 << 16];
  while (in) {
    in.read(chunk, sizeof chunk);
    size_t got = static_cast<size_t>(in.gcount());
    if (got > max_bytes - content.size()) too_large();
    content.append(chunk, got);
  }
  if (in.bad()) fail_at(path.string(), 0, "read error");
  return content;
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail_at(tmp.string(), 0, std::string("cannot create: ") + std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail_at(tmp.string(), 0, std::string("write failed: ") + std::strerror(err));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail_at(tmp.string(), 0, "fsync/close failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    fail_at(path.string(), 0, "cannot rename temporary file into place: " + ec.message());
  }
}

}  // namespace regenesis
