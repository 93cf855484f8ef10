// `regenesis run` end to end through the real embedded engine on a `model init` tiny model, then
// the individual commands on the same run directory.
#include <gtest/gtest.h>

#include "run_support.h"

namespace regenesis {
namespace {

bool has_row(const std::string& table, const std::string& label, const std::string& value) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "  %-30s %s", label.c_str(), value.c_str());
  return table.find(buffer) != std::string::npos;
}

TEST(RunCommand, RunsEveryStageOnATinyModelThenResumesWithNothingToDo) {
  test::TempDir dir;
  auto config = test::write_small_config(dir);
  auto first = test::run_regenesis({"run", "--config", config.string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string& table = first.out;
  EXPECT_NE(table.find("ReGenesis run summary"), std::string::npos) << table;
  EXPECT_TRUE(has_row(table, "questions", "2")) << table;
  EXPECT_TRUE(has_row(table, "paths generated (main)", "4")) << table;  // 2 questions x (1 + 1)
  // Four random tokens never hold a boxed answer: nothing is kept, both go to the rescue.
  EXPECT_TRUE(has_row(table, "solved before rescue", "0 / 2 (0.0%)")) << table;
  EXPECT_TRUE(has_row(table, "questions rescued with hints", "2")) << table;
  EXPECT_TRUE(has_row(table, "paths generated (rescue)", "2")) << table;
  EXPECT_NE(table.find("exported rows                  0 -> "), std::string::npos) << table;
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "run.db"));
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "sft.jsonl"));
  EXPECT_NE(first.err.find("filter (main): 4 paths, 0 kept"), std::string::npos) << first.err;
  EXPECT_NE(table.find("generated this invocation"), std::string::npos);
  EXPECT_EQ(table.find("generated this invocation      0 tokens"), std::string::npos) << table;

  auto again = test::run_regenesis({"run", "--config", config.string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(has_row(again.out, "generated this invocation", "0 tokens")) << again.out;
  EXPECT_TRUE(has_row(again.out, "paths generated (main)", "4")) << again.out;

  auto synth = test::run_regenesis({"synthesize", "--config", config.string()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_NE(synth.out.find("0 requests sent, 14 outputs were already stored, 4 paths"), std::string::npos)
      << synth.out;

  auto run_dir = (dir / "run").string();
  auto filter = test::run_regenesis({"filter", run_dir});
  ASSERT_EQ(filter.exit_code, 0) << filter.err;
  EXPECT_NE(filter.out.find("filter (main): 4 paths, 0 kept"), std::string::npos) << filter.out;
  EXPECT_NE(filter.out.find("filter (hint): 2 paths, 0 kept"), std::string::npos) << filter.out;

  auto rescue = test::run_regenesis({"rescue", (dir / "run" / "run.db").string()});
  ASSERT_EQ(rescue.exit_code, 0) << rescue.err;
  EXPECT_NE(rescue.out.find("rescue: 2 questions without a kept path, 0 requests sent"), std::string::npos)
      << rescue.out;

  auto out = dir / "alpaca.jsonl";
  auto exported = test::run_regenesis({"export", run_dir, "--format", "alpaca", "--out", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("export: 0 rows (alpaca)"), std::string::npos) << exported.out;
  EXPECT_TRUE(std::filesystem::exists(out));
  auto bad_format = test::run_regenesis({"export", run_dir, "--format", "csv", "--out", out.string()});
  EXPECT_EQ(bad_format.exit_code, 1);
}

}  // namespace
}  // namespace regenesis
