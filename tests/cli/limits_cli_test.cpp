// Oversized inputs to the embedded engine, as a user meets them (docs/HARDENING.md): a prompt
// that fills the context and a run.toml over its size limit are clear errors (exit code 1), not
// a crash or a silently cut prompt.
#include <gtest/gtest.h>

#include "test_support.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::run_regenesis;

const std::string& tiny_model_dir() {
  static test::TempDir* dir = new test::TempDir();
  static const std::string path = [] {
    const std::string out = (dir->path() / "tiny").string();
    const auto r = run_regenesis({"model", "init", "--preset", "tiny", "--arch", "llama", "--out", out});
    if (r.exit_code != 0) throw std::runtime_error("model init failed: " + r.err);
    return out;
  }();
  return path;
}

TEST(LimitsCli, PromptThatFillsTheContextIsAnError) {
  std::string prompt;
  for (int k = 0; k < 100; ++k) prompt += "word ";
  const auto r = run_regenesis({"generate", "--model", tiny_model_dir(), "--prompt", prompt, "--raw",
                                "--max-context", "32", "--max-tokens", "4", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("which leaves no room in the context of 32 positions"), std::string::npos) << r.err;
}

TEST(LimitsCli, PromptThatFitsIsGenerated) {
  const auto r = run_regenesis({"generate", "--model", tiny_model_dir(), "--prompt", "word word", "--raw",
                                "--max-context", "32", "--max-tokens", "4", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(LimitsCli, OversizedRunConfigIsAnError) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "# " + std::string(limits::kRunConfigMaxBytes, 'x') + "\n");
  const auto r = run_regenesis({"run", "--config", (dir / "run.toml").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("larger than 1 MiB"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace regenesis
