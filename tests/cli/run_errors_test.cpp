// Bad configs, bad data, a missing model and a changed setup give clear errors (exit 1) and
// leave an existing run store exactly as it was.
#include <gtest/gtest.h>

#include "run_support.h"

namespace regenesis {
namespace {

std::string store_bytes(const test::TempDir& dir) {
  std::string bytes = read_file(dir / "run" / "run.db");
  auto wal = dir / "run" / "run.db-wal";
  if (std::filesystem::exists(wal)) bytes += read_file(wal);
  return bytes;
}

class RunErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = test::write_small_config(dir_, "", 1);
    auto r = test::run_regenesis({"synthesize", "--config", config_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    before_ = store_bytes(dir_);
  }
  // Runs `run` with a modified config and returns stderr; the exit code must be 1.
  std::string failing_run(const std::string& toml) {
    auto path = dir_ / "bad.toml";
    write_file_atomic(path, toml);
    auto r = test::run_regenesis({"run", "--config", path.string()});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(store_bytes(dir_), before_) << "the store changed";
    return r.err;
  }
  std::string config_text() { return read_file(config_); }

  test::TempDir dir_;
  std::filesystem::path config_;
  std::string before_;
};

TEST_F(RunErrors, UnknownKeyIsNamedWithItsLine) {
  std::string text = config_text() + "temprature = 0.5\n";  // lands in [rescue]
  auto err = failing_run(text);
  EXPECT_NE(err.find("rescue.temprature: unknown key"), std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:"), std::string::npos) << err;
}

TEST_F(RunErrors, WrongTypeIsNamed) {
  std::string text = config_text();
  text.replace(text.find("selections = 1"), 14, "selections = \"one\"");
  auto err = failing_run(text);
  EXPECT_NE(err.find("synthesis.selections: must be an integer, got string"), std::string::npos) << err;
}

TEST_F(RunErrors, BadDataLineNamesFileAndLine) {
  auto bad = dir_ / "bad.jsonl";
  write_file_atomic(bad, read_file(dir_ / "questions.jsonl") + "{\"id\": \"x\", \"question\": 3}\n");
  std::string text = config_text();
  auto pos = text.find("questions = \"");
  auto end = text.find('"', pos + 13);
  text.replace(pos, end - pos + 1, "questions = \"" + bad.string() + "\"");
  auto err = failing_run(text);
  EXPECT_NE(err.find("bad.jsonl:2:"), std::string::npos) << err;
}

TEST_F(RunErrors, MissingModelIsAClearError) {
  std::string text = config_text();
  auto pos = text.find(test::tiny_model().string());
  text.replace(pos, test::tiny_model().string().size(), (dir_ / "no-model").string());
  auto err = failing_run(text);
  EXPECT_NE(err.find("model directory not found"), std::string::npos) << err;
}

TEST_F(RunErrors, ChangedSamplingIsRefusedUnlessForced) {
  std::string text = config_text();
  text.replace(text.find("[rescue]"), 8, "[rescue]\ntemperature = 0.7");
  auto err = failing_run(text);
  EXPECT_NE(err.find("different generation setup"), std::string::npos) << err;
  EXPECT_NE(err.find("rescue.temperature: 0.85 -> 0.7"), std::string::npos) << err;
  EXPECT_NE(err.find("--force"), std::string::npos) << err;
  auto forced = test::run_regenesis({"synthesize", "--config", (dir_ / "bad.toml").string(), "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("0 requests sent"), std::string::npos) << forced.out;
}

TEST_F(RunErrors, NotARunAndNotAStore) {
  auto r = test::run_regenesis({"filter", (dir_ / "nowhere").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no run store here"), std::string::npos) << r.err;
  write_file_atomic(dir_ / "junk.db", std::string(4096, 'x'));
  r = test::run_regenesis({"export", (dir_ / "junk.db").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("junk.db"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace regenesis
