#pragma once
// Shared by the fuzz targets: fuzzer bytes as a file the parsers can open, a scratch directory,
// and invariant checks that abort (so that libFuzzer records the input) with a message.
//
// The contract every target checks: a parser either returns a value that satisfies its
// documented invariants or throws regenesis::Error. Any other exception escapes
// LLVMFuzzerTestOneInput and aborts the fuzzer, which counts as a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace regenesis::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts with `what` when an invariant does not hold.
inline void require(bool condition, const std::string& what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

// The bytes as an in-memory file (memfd) with a path that open(2) and ifstream accept
// (/proc/self/fd/N): the real file-reading code runs without touching the disk.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) {
    fd_ = ::memfd_create("regenesis-fuzz", MFD_CLOEXEC);
    require(fd_ >= 0, "memfd_create failed");
    size_t written = 0;
    while (written < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
      require(n > 0, "write to memfd failed");
      written += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// One scratch directory per fuzzer process (for parsers that take a directory), removed at
// exit. In /dev/shm when there is one: thousands of small writes a second stay off the disk.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / "regenesis-fuzz-XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

// Writes a scratch file (no fsync, unlike write_file_atomic: speed matters here, not durability).
inline void write_scratch(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  require(static_cast<bool>(out), "cannot write " + path.string());
}

// Splits the input at the first occurrence of `separator`: {before, after}; {all, ""} without it.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text,
                                                                std::string_view separator) {
  size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

}  // namespace regenesis::fuzz
