#include "test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "util/error.h"
#include "util/files.h"

namespace regenesis::test {

std::optional<std::filesystem::path> shared_dir() {
  const char* env = std::getenv("REGENESIS_SHARED_DIR");
  std::filesystem::path dir = env && *env ? env : REGENESIS_DEFAULT_SHARED;
  if (std::filesystem::is_directory(dir)) return dir;
  return std::nullopt;
}

std::filesystem::path source_dir() { return REGENESIS_SOURCE_DIR; }
std::filesystem::path regenesis_binary() { return REGENESIS_BINARY; }

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a regenesis::Error";
  return "";
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("regenesis-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult run_regenesis(const std::vector<std::string>& args) {
  TempDir scratch;
  auto out_path = scratch / "stdout";
  auto err_path = scratch / "stderr";
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    std::vector<std::string> storage{regenesis_binary().string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace regenesis::test
