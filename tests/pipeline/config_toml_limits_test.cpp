// run.toml bounds (docs/HARDENING.md): the file size (limits::kRunConfigMaxBytes, checked before
// toml++ reads it) and the nesting of dotted keys, which toml++ does not bound itself.
#include <gtest/gtest.h>

#include <functional>

#include "pipeline/config_toml.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(ConfigTomlLimits, FileOverOneMebibyteIsRefused) {
  test::TempDir dir;
  std::string toml = "method = \"star\"\n# " + std::string(limits::kRunConfigMaxBytes, 'x') + "\n";
  write_file_atomic(dir / "run.toml", toml);
  std::map<std::string, long> lines;
  std::string message = error_of([&] { toml_file_to_json(dir / "run.toml", lines); });
  EXPECT_NE(message.find((dir / "run.toml").string()), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 1 MiB"), std::string::npos) << message;
}

TEST(ConfigTomlLimits, FileAtTheLimitIsRead) {
  test::TempDir dir;
  std::string toml = "method = \"star\"\n# ";
  toml += std::string(limits::kRunConfigMaxBytes - toml.size() - 1, 'x') + "\n";
  ASSERT_EQ(toml.size(), limits::kRunConfigMaxBytes);
  write_file_atomic(dir / "run.toml", toml);
  std::map<std::string, long> lines;
  Json json = toml_file_to_json(dir / "run.toml", lines);
  EXPECT_EQ(json["method"], "star");
  EXPECT_EQ(lines["method"], 1);
}

std::string dotted_key(size_t levels) {
  std::string key = "a";
  for (size_t k = 1; k < levels; ++k) key += ".a";
  return key;
}

TEST(ConfigTomlLimits, DeeplyDottedKeysAreRefusedBeforeTomlParsesThem) {
  // 400,000 levels overflowed toml++'s stack; the dots are counted before it parses
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "method = \"star\"\n" + dotted_key(400'000) + " = 1\n");
  std::map<std::string, long> lines;
  std::string message = error_of([&] { toml_file_to_json(dir / "run.toml", lines); });
  EXPECT_NE(message.find((dir / "run.toml").string() + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("more than 1024 '.' outside strings and comments"), std::string::npos) << message;
}

TEST(ConfigTomlLimits, DotsInStringsAndCommentsDoNotCount) {
  test::TempDir dir;
  const std::string dots(3000, '.');
  write_file_atomic(dir / "run.toml", "# " + dots + "\nbasic = \"\\\"" + dots + "\"\nliteral = '" + dots +
                                          "'\nmulti = \"\"\"\n" + dots + "\n\"\"\"\nx = 1.5\n");
  std::map<std::string, long> lines;
  Json json = toml_file_to_json(dir / "run.toml", lines);
  EXPECT_EQ(json["literal"], dots);
  EXPECT_EQ(json["basic"], "\"" + dots);
  EXPECT_EQ(json["x"], 1.5);
  EXPECT_EQ(lines["x"], 7);
}

TEST(ConfigTomlLimits, TablesNestedDeeperThan256AreRefusedWithTheLine) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "x = 1\n[" + dotted_key(300) + "]\ny = 1\n");
  std::map<std::string, long> lines;
  std::string message = error_of([&] { toml_file_to_json(dir / "run.toml", lines); });
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
  EXPECT_NE(message.find((dir / "run.toml").string() + ":2"), std::string::npos) << message;
}

TEST(ConfigTomlLimits, NestingUnderTheLimitIsRead) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", dotted_key(200) + " = 7\n");
  std::map<std::string, long> lines;
  Json json = toml_file_to_json(dir / "run.toml", lines);
  const Json* node = &json;
  for (int k = 0; k < 199; ++k) node = &(*node)["a"];
  EXPECT_EQ((*node)["a"], 7);
}

}  // namespace
}  // namespace regenesis
