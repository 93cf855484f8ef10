// `regenesis toy experiment` end to end on a micro model and a tiny budget: every seed gets its
// own questions and evaluation set, every method its run directory, the table pools the pairs of
// every seed (counted here from the files), and a rerun resumes to the same numbers.
#include <gtest/gtest.h>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::run_regenesis;

class ToyExperimentCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto pretrain = run_regenesis({"toy", "pretrain", "--out", (dir_->path() / "toy").string(), "--steps",
                                         "2", "--batch-size", "2", "--hidden", "16", "--layers", "1", "--heads",
                                         "2", "--kv-heads", "1", "--intermediate", "32", "--vocab", "400",
                                         "--max-positions", "640", "--threads", "1"});
    ASSERT_EQ(pretrain.exit_code, 0) << pretrain.err;
    const std::string prompts = (test::source_dir() / "prompts" / "toy").string();
    write_file_atomic(dir_->path() / "toy.toml",
                      "[model]\npath = \"toy\"\nthreads = 1\n"
                      "[synthesis]\nprompts = \"" + prompts + "\"\nselections = 1\nsingletons = 1\n"
                      "max_tokens = 8\npaths = 2\nshots = 0\nstop = []\n"
                      "[filter]\nmax_path_tokens = 0\n"
                      "[rescue]\nselections = 1\nmax_tokens = 8\n"
                      "[train]\nmode = \"full\"\nepochs = 1\nthreads = 1\n");
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::vector<std::string> args() {
    return {"toy", "experiment", "--config", (dir_->path() / "toy.toml").string(), "--out",
            (dir_->path() / "exp").string(), "--seeds", "1,2", "--methods", "star,regenesis", "--questions", "2",
            "--eval-in", "2", "--eval-out", "1", "--max-tokens", "8", "--threads", "1"};
  }
  static test::TempDir* dir_;
};
test::TempDir* ToyExperimentCli::dir_ = nullptr;

TEST_F(ToyExperimentCli, RunsEveryMethodAndSeedAndPoolsThePairs) {
  const auto r = run_regenesis(args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto exp = dir_->path() / "exp";
  for (const char* seed : {"seed-1", "seed-2"}) {
    EXPECT_TRUE(std::filesystem::exists(exp / seed / "questions.jsonl")) << seed;
    EXPECT_TRUE(std::filesystem::exists(exp / seed / "none" / "eval" / "results.json")) << seed;
    for (const char* method : {"star", "regenesis"}) {
      EXPECT_TRUE(std::filesystem::exists(exp / seed / method / "run.db")) << seed << method;
      EXPECT_TRUE(std::filesystem::exists(exp / seed / method / "eval" / "predictions.jsonl")) << seed << method;
    }
  }
  // Each seed's evaluation set is its own (different questions).
  EXPECT_NE(read_file(exp / "seed-1" / "eval-data" / "counting.jsonl"),
            read_file(exp / "seed-2" / "eval-data" / "counting.jsonl"));
  for (const char* file : {"experiment.md", "experiment.json", "experiment.png", "experiment.svg"})
    EXPECT_TRUE(std::filesystem::exists(exp / file)) << file;

  const Json json = read_json_file(exp / "experiment.json");
  ASSERT_EQ(json["methods"].size(), 3u);
  EXPECT_EQ(json["methods"][0]["method"], "no training");
  EXPECT_EQ(json["methods"][2]["method"], "ReGenesis");
  EXPECT_EQ(json["seeds"].size(), 2u);
  // in-domain: 3 families x 2 questions x 2 seeds; out-of-domain: 5 x 1 x 2.
  int64_t in_pairs = 0, out_pairs = 0;
  for (const Json& row : json["methods"][1]["vs_baseline"]) {
    if (row["category"] == "in-domain") in_pairs = row["pairs"];
    if (row["category"] == "out-of-domain") out_pairs = row["pairs"];
  }
  EXPECT_EQ(in_pairs, 12);
  EXPECT_EQ(out_pairs, 10);
  // The baseline's correct count equals what its prediction files say, over both seeds.
  int64_t base_correct = 0;
  for (const char* seed : {"seed-1", "seed-2"})
    for (const std::string& line : split(read_file(exp / seed / "none" / "eval" / "predictions.jsonl"), '\n'))
      if (!line.empty()) {
        const Json p = Json::parse(line);
        const std::string bench = p["bench"];
        if (bench == "arith_chain" || bench == "compare" || bench == "counting") base_correct += p["correct"].get<bool>();
      }
  for (const Json& row : json["methods"][0]["vs_baseline"])
    if (row["category"] == "in-domain")
      EXPECT_NEAR(row["after_accuracy"].get<double>(), base_correct / 12.0, 1e-12);
  ASSERT_EQ(json["head_to_head"].size(), 1u);
  EXPECT_EQ(json["head_to_head"][0]["other"], "STaR");
  const std::string md = read_file(exp / "experiment.md");
  for (const char* text : {"| no training |", "| STaR |", "| ReGenesis |", "| seed 1 | seed 2 |", "ReGenesis - STaR"})
    EXPECT_NE(md.find(text), std::string::npos) << text;

  // A rerun finds every step done and writes the same tables; each cell's time is the sum over
  // both runs (the file holds the total), not the few milliseconds of the resume.
  const double first_seconds = json["cells"][0]["seconds"];
  const auto again = run_regenesis(args());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const Json json2 = read_json_file(exp / "experiment.json");
  EXPECT_EQ(json2["methods"], json["methods"]);
  const double total_seconds = json2["cells"][0]["seconds"];
  EXPECT_GT(total_seconds, first_seconds);
  EXPECT_NEAR(std::stod(read_file(exp / "seed-1" / "star" / "seconds.txt")), total_seconds, 1e-3);
}

TEST_F(ToyExperimentCli, UnknownMethodIsAUserError) {
  auto bad = args();
  bad[9] = "star,nope";
  const auto r = run_regenesis(bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

TEST_F(ToyExperimentCli, AnEvaluationSetOfAnotherSizeIsNotReusedSilently) {
  // A resumed experiment reuses its question files; asking for another count must say so.
  const auto out = dir_->path() / "exp-resized";
  const auto stale = out / "seed-1" / "eval-data" / "counting.jsonl";
  std::filesystem::create_directories(stale.parent_path());
  const auto gen = run_regenesis({"toy", "generate", "--family", "counting", "--n", "3", "--out", stale.string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string before = read_file(stale);
  auto resized = args();
  resized[5] = out.string();
  const auto r = run_regenesis(resized);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(stale.string() + ": holds 3 questions, this experiment asks for 2"), std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(stale), before) << "the file is left as it was";
}

}  // namespace
}  // namespace regenesis
