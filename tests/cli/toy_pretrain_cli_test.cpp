// `regenesis toy pretrain` on a tiny budget, as a user runs it: the model directory it writes is
// an ordinary HF model that `eval`, `generate` and `train` load; a rerun finds the finished model,
// and other settings for the same directory are refused.
#include <gtest/gtest.h>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::run_regenesis;

class ToyPretrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto r = run_regenesis(args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    first_out_ = new std::string(r.out);
  }
  static void TearDownTestSuite() {
    delete first_out_;
    delete dir_;
  }
  static std::string model() { return (dir_->path() / "toy").string(); }
  // A model of a few thousand parameters, 3 steps of 2 examples.
  static std::vector<std::string> args(const std::string& lr = "0.01") {
    return {"toy", "pretrain", "--out", model(), "--steps", "3", "--batch-size", "2", "--hidden", "16",
            "--layers", "1", "--heads", "2", "--kv-heads", "1", "--intermediate", "32", "--vocab", "400",
            "--max-positions", "640", "--lr", lr, "--threads", "1", "--seed", "4"};
  }
  static test::TempDir* dir_;
  static std::string* first_out_;
};
test::TempDir* ToyPretrainCli::dir_ = nullptr;
std::string* ToyPretrainCli::first_out_ = nullptr;

TEST_F(ToyPretrainCli, WritesAnHfModelWithAChatTemplateAndItsCorpus) {
  EXPECT_NE(first_out_->find("pretrained the toy model"), std::string::npos) << *first_out_;
  EXPECT_NE(first_out_->find("3 steps"), std::string::npos) << *first_out_;
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                           "generation_config.json", "train_log.jsonl", "train_summary.json", "pretrain/settings.json"})
    EXPECT_TRUE(std::filesystem::exists(dir_->path() / "toy" / file)) << file;
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "toy" / "checkpoints"));
  const Json config = read_json_file(dir_->path() / "toy" / "config.json");
  EXPECT_EQ(config["hidden_size"], 16);
  EXPECT_EQ(config["architectures"][0], "LlamaForCausalLM");
  const Json tokenizer_config = read_json_file(dir_->path() / "toy" / "tokenizer_config.json");
  EXPECT_NE(tokenizer_config["chat_template"].get<std::string>().find("<|im_start|>"), std::string::npos);
  // steps x batch corpus examples, in the toy corpus layout.
  const auto lines = split(read_file(dir_->path() / "toy" / "pretrain" / "corpus.jsonl"), '\n');
  size_t examples = 0;
  for (const std::string& line : lines)
    if (!line.empty()) {
      ++examples;
      EXPECT_EQ(Json::parse(line)["meta"]["source"], "toy-corpus");
    }
  EXPECT_EQ(examples, 6u);
}

TEST_F(ToyPretrainCli, RerunFindsTheModelAndOtherSettingsAreRefused) {
  const auto again = run_regenesis(args());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already holds"), std::string::npos) << again.out;
  const auto other = run_regenesis(args("0.02"));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("other settings"), std::string::npos) << other.err;
  const auto bad = run_regenesis({"toy", "pretrain", "--out", (dir_->path() / "bad").string(), "--hidden", "30",
                                  "--heads", "4"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--heads"), std::string::npos) << bad.err;
}

TEST_F(ToyPretrainCli, EvalGenerateAndTrainLoadTheModel) {
  const auto questions = dir_->path() / "counting.jsonl";
  ASSERT_EQ(run_regenesis({"toy", "generate", "--family", "counting", "--n", "3", "--seed", "9", "--out",
                           questions.string()})
                .exit_code,
            0);
  const auto eval_dir = dir_->path() / "eval";
  const auto eval = run_regenesis({"eval", "--model", model(), "--bench", "counting=" + questions.string(),
                                   "--in-domain", "counting", "--out", eval_dir.string(), "--max-tokens", "8",
                                   "--threads", "1"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const Json results = read_json_file(eval_dir / "results.json");
  ASSERT_EQ(results["benchmarks"].size(), 1u);
  EXPECT_EQ(results["benchmarks"][0]["name"], "counting");
  EXPECT_EQ(results["benchmarks"][0]["n"], 3);

  const auto gen = run_regenesis({"generate", "--model", model(), "--prompt", "Tom has 3 apples.",
                                  "--max-tokens", "4", "--threads", "1", "--json"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;

  const auto data = dir_->path() / "two.jsonl";
  const auto corpus = split(read_file(dir_->path() / "toy" / "pretrain" / "corpus.jsonl"), '\n');
  write_file_atomic(data, corpus[0] + "\n" + corpus[1] + "\n");
  const auto train = run_regenesis({"train", "--model", model(), "--data", data.string(), "--out",
                                    (dir_->path() / "lora").string(), "--lora-rank", "2", "--epochs", "1",
                                    "--merge", "--threads", "1", "--truncate", "--max-length", "640"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "lora" / "merged" / "model.safetensors"));
}

}  // namespace
}  // namespace regenesis
