#include <gtest/gtest.h>

#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

TEST(WriteFileAtomic, ReplacesContentAndLeavesNoTemporaryFile) {
  test::TempDir dir;
  auto path = dir / "out.json";
  write_file_atomic(path, "first");
  write_file_atomic(path, "second version");
  EXPECT_EQ(read_file(path), "second version");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomic, MissingDirectoryIsAClearError) {
  test::TempDir dir;
  try {
    write_file_atomic(dir / "no" / "such" / "file", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create"), std::string::npos) << e.what();
  }
}

TEST(ReadFile, MissingFileNamesThePath) {
  try {
    read_file("/nonexistent/regenesis/file.txt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/regenesis/file.txt"), std::string::npos);
  }
}

TEST(Jsonl, VisitsEveryObjectWithItsLineNumberAndSkipsBlankLines) {
  test::TempDir dir;
  write_file_atomic(dir / "a.jsonl", "{\"x\":1}\n\n{\"x\":2}\r\n");
  std::vector<std::pair<long, long>> seen;
  for_each_jsonl(dir / "a.jsonl", [&](const Json& j, long line) {
    seen.emplace_back(line, j["x"].get<long>());
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::pair<long, long>{1, 1}));
  EXPECT_EQ(seen[1], (std::pair<long, long>{3, 2}));
}

TEST(Jsonl, BadLineGivesFileAndLine) {
  test::TempDir dir;
  auto path = dir / "bad.jsonl";
  write_file_atomic(path, "{\"x\":1}\n{\"x\":\n");
  try {
    for_each_jsonl(path, [](const Json&, long) {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ":2:"), std::string::npos) << e.what();
  }
}

TEST(Jsonl, ErrorsFromTheVisitorGetFileAndLine) {
  test::TempDir dir;
  auto path = dir / "q.jsonl";
  write_file_atomic(path, "{\"id\":\"a\"}\n{\"id\":3}\n");
  try {
    for_each_jsonl(path, [](const Json& j, long) { require_string(j, "id", "question"); });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(":2:"), std::string::npos) << message;
    EXPECT_NE(message.find("field 'id' must be a string"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace regenesis
