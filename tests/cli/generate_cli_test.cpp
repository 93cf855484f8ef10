#include <gtest/gtest.h>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::run_regenesis;

class GenerateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto r = run_regenesis({"model", "init", "--preset", "tiny", "--arch", "qwen2", "--out",
                                  (dir_->path() / "m").string(), "--seed", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string model() { return (dir_->path() / "m").string(); }
  static test::TempDir* dir_;
};
test::TempDir* GenerateCli::dir_ = nullptr;

TEST_F(GenerateCli, ModelInitIsDeterministicPerSeed) {
  test::TempDir dir;
  auto init = [&](const std::string& name, const std::string& seed) {
    const auto r = run_regenesis({"model", "init", "--arch", "qwen2", "--out", (dir / name).string(),
                                  "--seed", seed, "--dtype", "bf16"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find((dir / name).string()), std::string::npos) << r.out;
    return read_file(dir / name / "model.safetensors");
  };
  const std::string a = init("a", "3"), b = init("b", "3"), c = init("c", "4");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // bf16 weights take half the bytes of the f32 model made by the fixture with the same seed.
  const auto f32_size = std::filesystem::file_size(std::filesystem::path(model()) / "model.safetensors");
  EXPECT_LT(a.size(), f32_size * 6 / 10);
}

TEST_F(GenerateCli, PrintsCompletionsWithCountsAndFinishReasons) {
  const auto r = run_regenesis({"generate", "--model", model(), "--prompt", "Hello there",
                                "--max-tokens", "5", "--temperature", "0", "--n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("=== request prompt: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--- completion 1/2: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--- completion 2/2: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("finish "), std::string::npos) << r.out;
}

TEST_F(GenerateCli, JsonOutputOneObjectPerRequest) {
  test::TempDir dir;
  const auto prompts = dir / "prompts.jsonl";
  write_file_atomic(prompts,
                    "{\"id\": \"q1\", \"prompt\": \"What is 2 + 2?\"}\n"
                    "\n"
                    "{\"id\": 7, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, "
                    "{\"role\": \"user\", \"content\": \"What is 2 + 2?\"}]}\n"
                    "{\"prompt\": \"no id\"}\n");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"generate", "--model", model(), "--prompts-file",
                                     prompts.string(), "--json", "--n", "3", "--max-tokens", "6",
                                     "--seed", "5", "--temperature", "0.9", "--top-k", "50"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_regenesis(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, Json> by_id;
    for (const auto& line : split(trim(r.out), '\n')) {
      const Json object = parse_json(line, "stdout");
      by_id[object.at("id").get<std::string>()] = object;
    }
    return by_id;
  };
  const auto first = run({});
  ASSERT_EQ(first.size(), 3u);
  ASSERT_TRUE(first.count("q1") && first.count("7") && first.count("4"));
  for (const auto& [id, object] : first) {
    ASSERT_EQ(object.at("completions").size(), 3u) << id;
    EXPECT_GT(object.at("prompt_tokens").get<int>(), 0);
    for (const auto& c : object.at("completions")) {
      EXPECT_TRUE(c.at("text").is_string());
      const int tokens = c.at("completion_tokens").get<int>();
      EXPECT_GE(tokens, 1);
      EXPECT_LE(tokens, 6);
      const std::string finish = c.at("finish_reason").get<std::string>();
      EXPECT_TRUE(finish == "length" || (finish == "stop" && tokens < 6)) << finish;
      if (finish == "length") EXPECT_EQ(tokens, 6);
    }
  }
  // The system turn adds tokens to the same question.
  EXPECT_GT(first.at("7").at("prompt_tokens").get<int>(), first.at("q1").at("prompt_tokens").get<int>());
  // Same seed, same output; the batch size does not matter.
  EXPECT_EQ(run({"--max-batch", "2"}), first);
}

TEST_F(GenerateCli, RawPromptSkipsTheTemplate) {
  auto prompt_tokens = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"generate", "--model", model(), "--prompt", "Hello", "--json",
                                     "--max-tokens", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_regenesis(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_json(trim(r.out), "stdout").at("prompt_tokens").get<int>();
  };
  const int raw = prompt_tokens({"--raw"});
  // <|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n: the template's tokens on top.
  EXPECT_GE(prompt_tokens({}), raw + 6);
}

TEST_F(GenerateCli, UserErrorsExitWithOneAndAClearMessage) {
  const auto missing = run_regenesis({"generate", "--model", "/nonexistent/model-dir", "--prompt", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/model-dir: model directory not found"), std::string::npos)
      << missing.err;

  const auto neither = run_regenesis({"generate", "--model", model()});
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.err.find("--prompt"), std::string::npos) << neither.err;

  test::TempDir dir;
  write_file_atomic(dir / "bad.jsonl", "{\"prompt\": \"ok\"}\n{\"id\": \"x\"}\n");
  const auto bad = run_regenesis({"generate", "--model", model(), "--prompts-file", (dir / "bad.jsonl").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.jsonl:2: "), std::string::npos) << bad.err;

  const auto preset = run_regenesis({"model", "init", "--preset", "huge", "--out", (dir / "m").string()});
  EXPECT_EQ(preset.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir / "m"));
}

}  // namespace
}  // namespace regenesis
