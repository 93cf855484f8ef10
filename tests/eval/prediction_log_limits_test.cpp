// predictions.jsonl bounds (docs/HARDENING.md): a file over limits::kPredictionsFileMaxBytes is
// refused before it is read, and a line over limits::kJsonlLineMaxBytes names its line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fcntl.h>

#include <functional>

#include "eval/prediction_log.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(PredictionLogLimits, FileOverTheLimitIsRefusedUnread) {
  test::TempDir dir;
  auto path = dir / "predictions.jsonl";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);  // sparse: no disk used
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(limits::kPredictionsFileMaxBytes + 1)), 0);
  ::close(fd);
  for (const auto& action : std::vector<std::function<void()>>{[&] { read_predictions(path); },
                                                                [&] { PredictionLog log(path); }}) {
    std::string message = error_of(action);
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("larger than 1 GiB"), std::string::npos) << message;
  }
}

TEST(PredictionLogLimits, OverlongLineNamesItsLine) {
  test::TempDir dir;
  auto path = dir / "predictions.jsonl";
  std::string text = "\n{\"id\": \"" + std::string(limits::kJsonlLineMaxBytes, 'x') + "\"}\n";
  write_file_atomic(path, text);
  std::string message = error_of([&] { read_predictions(path); });
  EXPECT_NE(message.find(path.string() + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("longer than 16 MiB"), std::string::npos) << message;
}

}  // namespace
}  // namespace regenesis
