// Crash safety of `regenesis run`: the process is killed with SIGKILL at chosen output commits
// (after a commit, and inside one, via the store's test kill switches) and at a random moment
// from outside; rerunning the same command must leave a store equal to an uninterrupted run's,
// with nothing duplicated.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "../cli/run_support.h"
#include "store/run_store.h"

namespace regenesis {
namespace {

// A fresh run directory with the shared small config (1 question: 7 main + 4 rescue outputs).
struct CrashRun {
  test::TempDir dir;
  std::filesystem::path config = test::write_small_config(dir, "", 1);
  std::string dump() {
    RunStore store(dir / "run" / "run.db", {false, true});
    return store.dump();
  }
};

test::CommandResult run_with_env(const std::filesystem::path& config, const char* name, long value) {
  ::setenv(name, std::to_string(value).c_str(), 1);
  auto result = test::run_regenesis({"run", "--config", config.string()});
  ::unsetenv(name);
  return result;
}

const std::string& reference_dump() {
  static const std::string dump = [] {
    CrashRun run;
    auto r = test::run_regenesis({"run", "--config", run.config.string()});
    if (r.exit_code != 0) throw std::runtime_error("reference run failed: " + r.err);
    return run.dump();
  }();
  return dump;
}

int count_lines(const std::string& dump, const std::string& table) {
  int n = 0;
  size_t pos = 0;
  while ((pos = dump.find("\n" + table + " ", pos)) != std::string::npos) ++n, ++pos;
  return n + (dump.rfind(table + " ", 0) == 0);
}

TEST(RunCrash, ReferenceRunHasEveryOutputOnce) {
  const std::string& dump = reference_dump();
  EXPECT_EQ(count_lines(dump, "outputs"), 7 + 4);
  EXPECT_EQ(count_lines(dump, "paths"), 2 + 1);
  EXPECT_EQ(count_lines(dump, "exports"), 1);
}

TEST(RunCrash, KilledAfterACommitResumesToTheSameStore) {
  for (long n : {1L, 6L, 9L}) {
    SCOPED_TRACE("killed after commit " + std::to_string(n));
    CrashRun run;
    auto killed = run_with_env(run.config, "REGENESIS_TEST_KILL_AFTER_COMMITS", n);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    {
      RunStore store(run.dir / "run" / "run.db", {false, true});
      int64_t stored = 0;
      for (const auto& [mode, stages] : store.output_counts())
        for (const auto& [stage, count] : stages) stored += count;
      EXPECT_EQ(stored, n);  // exactly the committed outputs survived
    }
    auto resumed = test::run_regenesis({"run", "--config", run.config.string()});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(run.dump(), reference_dump());
  }
}

TEST(RunCrash, KilledInsideACommitRollsItBack) {
  for (long n : {1L, 8L}) {
    SCOPED_TRACE("killed inside commit " + std::to_string(n));
    CrashRun run;
    auto killed = run_with_env(run.config, "REGENESIS_TEST_KILL_IN_COMMIT", n);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    {
      RunStore store(run.dir / "run" / "run.db", {false, true});
      int64_t stored = 0;
      for (const auto& [mode, stages] : store.output_counts())
        for (const auto& [stage, count] : stages) stored += count;
      EXPECT_EQ(stored, n - 1);  // the interrupted transaction left nothing
    }
    auto resumed = test::run_regenesis({"run", "--config", run.config.string()});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(run.dump(), reference_dump());
  }
}

// Starts `regenesis run`, SIGKILLs it after `delay`, and reaps it.
void run_and_kill_after(const std::filesystem::path& config, std::chrono::milliseconds delay) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    std::string binary = test::regenesis_binary().string();
    std::string config_arg = config.string();
    std::vector<char*> argv = {binary.data(), const_cast<char*>("run"),
                               const_cast<char*>("--config"), config_arg.data(), nullptr};
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

TEST(RunCrash, ExternalKillAtARandomMomentResumesToTheSameStore) {
  reference_dump();  // built first so its time does not count
  std::random_device rd;
  std::mt19937 rng(rd());
  std::uniform_int_distribution<int> ms(50, 1500);
  for (int round = 0; round < 2; ++round) {
    int delay = ms(rng);
    SCOPED_TRACE("SIGKILL after " + std::to_string(delay) + " ms");
    CrashRun run;
    run_and_kill_after(run.config, std::chrono::milliseconds(delay));
    auto resumed = test::run_regenesis({"run", "--config", run.config.string()});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(run.dump(), reference_dump());
  }
}

}  // namespace
}  // namespace regenesis
