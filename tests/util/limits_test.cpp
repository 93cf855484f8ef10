// The input limits of util/limits.h: each gives a clear Error naming the file (and line), and
// input just inside a limit still loads.
#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"

namespace regenesis {
namespace {

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

using test::error_of;

// A file of `size` bytes that takes no disk space (a hole), after `prefix`.
void write_sparse(const std::filesystem::path& path, const std::string& prefix, size_t size) {
  write_file_atomic(path, prefix);
  std::filesystem::resize_file(path, size);
}

TEST(JsonDepthLimit, DepthAtTheLimitParses) {
  Json j = parse_json(nested_arrays(limits::kJsonMaxDepth), "deep.json");
  size_t depth = 0;
  for (const Json* v = &j; v->is_array(); v = v->empty() ? nullptr : &(*v)[0]) {
    ++depth;
    if (v->empty()) break;
  }
  EXPECT_EQ(depth, limits::kJsonMaxDepth);
}

TEST(JsonDepthLimit, OneLevelDeeperIsAnErrorNamingSourceAndPosition) {
  std::string text = "{\"a\": " + nested_arrays(limits::kJsonMaxDepth) + "}";
  std::string message = error_of([&] { parse_json(text, "deep.json"); });
  EXPECT_NE(message.find("deep.json"), std::string::npos) << message;
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
  // the 257th opening bracket: after `{"a": ` (6 bytes) come 256 '[', the last one at byte 262
  EXPECT_NE(message.find("at byte 262"), std::string::npos) << message;
}

TEST(JsonDepthLimit, BracketsInsideStringsDoNotCount) {
  std::string brackets(1000, '[');
  Json j = parse_json("{\"s\": \"" + brackets + "\\\"[[\", \"t\": [1]}", "strings.json");
  EXPECT_EQ(j["s"].get<std::string>(), brackets + "\"[[");
  EXPECT_EQ(j["t"][0], 1);
}

TEST(JsonDepthLimit, MixedObjectsAndArraysCountTogether) {
  std::string text;
  for (size_t i = 0; i < 200; ++i) text += "{\"k\":[";
  text += "0";
  for (size_t i = 0; i < 200; ++i) text += "]}";
  EXPECT_NE(error_of([&] { parse_json(text, "mixed.json"); }).find("nested deeper"),
            std::string::npos);
}

TEST(JsonDepthLimit, AppliesToJsonlLinesWithTheLineNumber) {
  test::TempDir dir;
  auto path = dir / "q.jsonl";
  write_file_atomic(path, "{\"id\": 1}\n" + nested_arrays(300) + "\n");
  long visited = 0;
  std::string message = error_of([&] { for_each_jsonl(path, [&](const Json&, long) { ++visited; }); });
  EXPECT_EQ(visited, 1);
  EXPECT_NE(message.find(path.string() + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("nested deeper than 256"), std::string::npos) << message;
}

TEST(JsonFileSizeLimit, FileOverTheDefaultLimitIsRefusedBeforeReading) {
  test::TempDir dir;
  auto path = dir / "tokenizer.json";
  write_sparse(path, "{", limits::kJsonFileMaxBytes + 1);
  std::string message = error_of([&] { read_json_file(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 512 MiB"), std::string::npos) << message;
}

TEST(JsonFileSizeLimit, ExplicitLimitAcceptsExactlyThatManyBytes) {
  test::TempDir dir;
  auto path = dir / "config.json";
  std::string json = "{\"pad\": \"" + std::string(100, 'x') + "\"}";
  write_file_atomic(path, json);
  EXPECT_EQ(read_json_file(path, json.size())["pad"].get<std::string>().size(), 100u);
  std::string message = error_of([&] { read_json_file(path, json.size() - 1); });
  EXPECT_NE(message.find("larger than 110 bytes"), std::string::npos) << message;
}

TEST(ReadFileLimit, BoundsPipesWhoseSizeIsUnknown) {
  // /proc files report size 0 but hold more: the limit is enforced while reading.
  std::string message = error_of([] { read_file("/proc/self/maps", 16); });
  EXPECT_NE(message.find("/proc/self/maps"), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 16 bytes"), std::string::npos) << message;
  EXPECT_FALSE(read_file("/proc/self/maps", 1 << 20).empty());
}

TEST(JsonlLineLimit, OverlongLineIsAnErrorWithItsLineNumber) {
  test::TempDir dir;
  auto path = dir / "data.jsonl";
  // line 2 is 17 MiB of NUL bytes without a newline: refused after 16 MiB, not read whole
  write_sparse(path, "{\"id\": \"a\"}\n", 12 + 17 * limits::kMiB);
  long visited = 0;
  std::string message = error_of([&] { for_each_jsonl(path, [&](const Json&, long) { ++visited; }); });
  EXPECT_EQ(visited, 1);
  EXPECT_NE(message.find(path.string() + ":2: line is longer than 16 MiB"), std::string::npos) << message;
}

TEST(JsonlLineLimit, LinesAcrossReadChunksAndLineEndingsKeepTheirNumbers) {
  test::TempDir dir;
  auto path = dir / "data.jsonl";
  std::string long_value(200 * 1024, 'v');  // spans several 64 KiB read chunks
  write_file_atomic(path, "{\"n\": 1}\r\n\n   \n{\"n\": 2, \"s\": \"" + long_value +
                              "\"}\n{\"n\": 3}");  // last line without '\n'
  std::vector<std::pair<long, long>> seen;
  for_each_jsonl(path, [&](const Json& j, long line) {
    seen.emplace_back(j["n"].get<long>(), line);
    if (j.contains("s")) EXPECT_EQ(j["s"].get<std::string>(), long_value);
  });
  EXPECT_EQ(seen, (std::vector<std::pair<long, long>>{{1, 1}, {2, 4}, {3, 5}}));
}

TEST(FormatBytes, UsesBinaryUnits) {
  EXPECT_EQ(format_bytes(1), "1 byte");
  EXPECT_EQ(format_bytes(1023), "1023 bytes");
  EXPECT_EQ(format_bytes(1024), "1 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(16 * limits::kMiB), "16 MiB");
  EXPECT_EQ(format_bytes(size_t{3} << 30), "3 GiB");
}

}  // namespace
}  // namespace regenesis
