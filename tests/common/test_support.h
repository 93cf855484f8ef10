#pragma once
// Helpers shared by the test binaries: where ../shared is, where the built binary is, scratch
// directories, and running the CLI.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace regenesis::test {

// ../shared (or $REGENESIS_SHARED_DIR) when it exists.
std::optional<std::filesystem::path> shared_dir();
std::filesystem::path source_dir();
std::filesystem::path regenesis_binary();

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};
// The message of the regenesis::Error that `action` throws; a test failure when it throws none.
std::string error_of(const std::function<void()>& action);

// Runs the regenesis binary with `args` (no shell), capturing stdout and stderr.
CommandResult run_regenesis(const std::vector<std::string>& args);

}  // namespace regenesis::test

// Skips the current test (with the reason) when ../shared/<relative> is absent; otherwise
// declares `const std::filesystem::path var` pointing at it.
#define REGENESIS_REQUIRE_SHARED(var, relative)                                          \
  const auto var##_opt = ::regenesis::test::shared_dir();                                \
  if (!var##_opt || !std::filesystem::exists(*var##_opt / (relative)))                   \
    GTEST_SKIP() << "needs ../shared/" << (relative)                                     \
                 << " (absent; set REGENESIS_SHARED_DIR to run this test)";              \
  const std::filesystem::path var = *var##_opt / (relative)
