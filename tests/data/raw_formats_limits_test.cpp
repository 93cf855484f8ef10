// Hostile raw benchmark files (docs/HARDENING.md): a file over limits::kJsonFileMaxBytes is
// refused before a byte is read, and a whole-JSON file nested deeper than limits::kJsonMaxDepth
// is an Error (its records were copied recursively: a stack overflow).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fcntl.h>

#include <functional>

#include "data/raw_formats.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(RawFormatsLimits, FileOverTheJsonLimitIsRefusedUnread) {
  test::TempDir dir;
  auto path = dir / "huge.jsonl";
  // sparse: takes no disk space, and is refused by its size alone
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(limits::kJsonFileMaxBytes + 1)), 0);
  ::close(fd);
  std::string message = error_of([&] { read_raw_questions(path, "gsm8k"); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 512 MiB"), std::string::npos) << message;
}

TEST(RawFormatsLimits, DeeplyNestedJsonArrayIsAnError) {
  test::TempDir dir;
  auto path = dir / "deep.json";
  const size_t levels = 100'000;
  std::string text = "[{\"question\": \"q\", \"answer\": \"#### 1\", \"x\": " + std::string(levels, '[') +
                     std::string(levels, ']') + "}]";
  write_file_atomic(path, text);
  std::string message = error_of([&] { read_raw_questions(path, "gsm8k"); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
}

TEST(RawFormatsLimits, ShallowJsonArrayStillReads) {
  test::TempDir dir;
  auto path = dir / "ok.json";
  write_file_atomic(path, R"([{"question": "How many?", "answer": "so 3\n#### 3", "x": [[[1]]]}])");
  auto qs = read_raw_questions(path, "gsm8k");
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].answer, "3");
}

}  // namespace
}  // namespace regenesis
