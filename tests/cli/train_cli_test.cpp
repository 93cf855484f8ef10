// `regenesis train` as a user runs it: SIGKILL in the middle of a run and --resume ends with the
// bytes of an uninterrupted run; the paper preset with overrides; LoRA with --merge; errors.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <thread>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

using test::run_regenesis;

class TrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto r = run_regenesis({"model", "init", "--preset", "tiny", "--arch", "llama", "--out", base()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string lines;
    for (int i = 0; i < 16; ++i) {
      const Json line = {{"messages",
                          {{{"role", "user"}, {"content", "What is " + std::to_string(i) + " plus one?"}},
                           {{"role", "assistant"}, {"content", "It is " + std::to_string(i + 1) + "."}}}},
                         {"meta", {{"id", i}}}};
      lines += line.dump() + "\n";
    }
    write_file_atomic(dir_->path() / "sft.jsonl", lines);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string base() { return (dir_->path() / "base").string(); }
  static std::string data() { return (dir_->path() / "sft.jsonl").string(); }
  static test::TempDir* dir_;
};
test::TempDir* TrainCli::dir_ = nullptr;

// Starts the binary in the background (output to files in `logs`), returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& logs) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open((logs / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open((logs / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> storage{test::regenesis_binary().string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

std::vector<double> logged_losses(const std::filesystem::path& out) {
  std::vector<double> losses;
  for_each_jsonl(out / "train_log.jsonl", [&](const Json& line, long) {
    EXPECT_EQ(line["step"].get<size_t>(), losses.size() + 1);
    losses.push_back(line["loss"]);
  });
  return losses;
}

TEST_F(TrainCli, SigkillAfterACheckpointThenResumeGivesTheUninterruptedWeights) {
  test::TempDir dir;
  auto args = [&](const std::string& out) {
    // 16 examples, 2 per step: 8 steps an epoch, 160 in all; a checkpoint every 4 steps.
    return std::vector<std::string>{"train", "--model", base(), "--data", data(), "--out", out, "--full",
                                    "--epochs", "20", "--batch-size", "2", "--lr", "1e-3",
                                    "--warmup-ratio", "0.1", "--save-every", "4", "--threads", "1",
                                    "--seed", "7"};
  };
  const auto straight = run_regenesis(args((dir / "straight").string()));
  ASSERT_EQ(straight.exit_code, 0) << straight.err;

  const auto killed = dir / "killed";
  const pid_t pid = spawn(args(killed.string()), dir.path());
  // Kill as soon as the second checkpoint is in place (the first is step 4).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!std::filesystem::exists(killed / "checkpoints" / "step-00000008") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  ASSERT_FALSE(std::filesystem::exists(killed / "model.safetensors"));

  const auto resumed = run_regenesis([&] {
    auto a = args(killed.string());
    a.push_back("--resume");
    return a;
  }());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("resumed at step"), std::string::npos) << resumed.out;
  EXPECT_EQ(read_file(killed / "model.safetensors"), read_file(dir / "straight" / "model.safetensors"));
  // The log has every step once, with the uninterrupted run's losses.
  const auto a = logged_losses(dir / "straight"), b = logged_losses(killed);
  ASSERT_EQ(a.size(), 160u);
  EXPECT_EQ(a, b);
}

TEST_F(TrainCli, PaperPresetWithExplicitOverrides) {
  test::TempDir dir;
  const auto r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(),
                                "--preset", "paper", "--epochs", "1", "--batch-size", "4", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json summary = read_json_file(dir / "o" / "train_summary.json");
  const Json& o = summary["options"];
  EXPECT_EQ(o["mode"], "full");
  EXPECT_DOUBLE_EQ(o["learning_rate"].get<double>(), 1e-6);
  EXPECT_EQ(o["schedule"], "cosine");
  EXPECT_DOUBLE_EQ(o["warmup_ratio"].get<double>(), 0.03);
  EXPECT_EQ(o["global_batch"], 64);  // kept: 4 per pass x 16 accumulated
  EXPECT_EQ(o["grad_accum"], 16);
  EXPECT_EQ(o["epochs"], 1);  // overridden
  EXPECT_EQ(o["max_length"], 10240);
  EXPECT_EQ(summary["total_steps"], 1);  // 16 examples < one global batch
  EXPECT_TRUE(std::filesystem::exists(dir / "o" / "model.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir / "o" / "tokenizer.json"));
}

TEST_F(TrainCli, LoraWithMergeWritesAdapterAndMergedModel) {
  test::TempDir dir;
  const auto out = dir / "o";
  const auto r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", out.string(),
                                "--lora-rank", "4", "--target-modules", "q_proj,v_proj,up_proj", "--epochs",
                                "1", "--batch-size", "8", "--merge", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("adapter (PEFT)"), std::string::npos);
  const Json config = read_json_file(out / "adapter_config.json");
  EXPECT_EQ(config["r"], 4);
  EXPECT_EQ(config["target_modules"], Json({"q_proj", "up_proj", "v_proj"}));
  for (const char* file : {"adapter_model.safetensors", "tokenizer.json", "train_log.jsonl",
                           "merged/config.json", "merged/model.safetensors", "merged/tokenizer_config.json",
                           "merged/generation_config.json"})
    EXPECT_TRUE(std::filesystem::exists(out / file)) << file;
  EXPECT_EQ(logged_losses(out).size(), 2u);
}

TEST_F(TrainCli, UserErrorsExitWithOneAndSayWhere) {
  test::TempDir dir;
  write_file_atomic(dir / "bad.jsonl", read_file(data()).substr(0, read_file(data()).find('\n') + 1) + "{\"messages\": 3}\n");
  auto r = run_regenesis({"train", "--model", base(), "--data", (dir / "bad.jsonl").string(), "--out",
                          (dir / "o").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.jsonl:2:"), std::string::npos) << r.err;

  r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(), "--full",
                     "--lora-rank", "4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--full or --lora-rank"), std::string::npos) << r.err;

  r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(),
                     "--target-modules", "q_proj,lm_head"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("lm_head"), std::string::npos) << r.err;

  r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(),
                     "--batch-size", "3", "--global-batch", "8"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--global-batch 8"), std::string::npos) << r.err;

  // A finished run leaves checkpoints: running again into the same OUT needs --resume.
  r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(), "--epochs",
                     "1", "--batch-size", "16", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_regenesis({"train", "--model", base(), "--data", data(), "--out", (dir / "o").string(), "--epochs",
                     "1", "--batch-size", "16", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace regenesis
