// `regenesis eval`, `grade` and `report` end to end: a tiny random model (accuracy near zero,
// reported as such), kills at and inside a prediction write and a kill from outside, then
// resuming without redoing work; the real stories260K model and GSM8K's gold rationales when
// ../shared is present.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::run_regenesis;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& line : split(text, '\n'))
    if (!line.empty()) out.push_back(line);
  return out;
}

// Sets an environment variable for the children started in this scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

class EvalCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto r = run_regenesis({"model", "init", "--preset", "tiny", "--arch", "llama", "--out",
                                  (dir_->path() / "m").string(), "--seed", "11"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Number questions whose answers a random model will not produce.
    std::string jsonl;
    for (int i = 0; i < 8; ++i)
      jsonl += "{\"id\": \"n" + std::to_string(i) + "\", \"question\": \"Tom has " + std::to_string(i) +
               " apples and buys 987654 more. How many apples does he have?\", \"answer\": \"" +
               std::to_string(987654 + i) + "\", \"answer_type\": \"number\"}\n";
    write_file_atomic(dir_->path() / "numbers.jsonl", jsonl);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string model() { return (dir_->path() / "m").string(); }
  static std::string bench() { return "numbers=" + (dir_->path() / "numbers.jsonl").string(); }
  static std::vector<std::string> eval_args(const std::filesystem::path& out, int limit, int max_tokens = 8) {
    return {"eval", "--model", model(), "--bench", bench(), "--out", out.string(), "--limit",
            std::to_string(limit), "--max-tokens", std::to_string(max_tokens), "--batch", "1", "--threads", "1"};
  }
  static test::TempDir* dir_;
};
test::TempDir* EvalCli::dir_ = nullptr;

void expect_unique_items(const std::string& predictions, size_t count) {
  std::set<std::string> ids;
  const auto lines = lines_of(predictions);
  for (const std::string& line : lines) {
    const Json p = parse_json(line, "predictions");
    EXPECT_TRUE(ids.insert(p["bench"].get<std::string>() + "/" + p["id"].get<std::string>()).second)
        << "duplicate item: " << line;
  }
  EXPECT_EQ(lines.size(), count);
  EXPECT_EQ(ids.size(), count);
}

TEST_F(EvalCli, TinyModelEndToEndReportsItsNearZeroAccuracy) {
  test::TempDir out;
  const auto r = run_regenesis(eval_args(out.path(), 4));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("numbers"), std::string::npos) << r.out;

  const auto lines = lines_of(read_file(out / "predictions.jsonl"));
  ASSERT_EQ(lines.size(), 4u);
  int correct = 0;
  for (const std::string& line : lines) {
    const Json p = parse_json(line, "predictions");
    for (const char* field : {"bench", "id", "prompt", "completion", "extracted", "gold", "correct", "finish_reason"})
      EXPECT_TRUE(p.contains(field)) << field;
    EXPECT_EQ(p["prompt"].get<std::string>().rfind("Solve the following math problem step-by-step.\n", 0), 0u);
    EXPECT_LE(p["completion_tokens"].get<int>(), 8);
    correct += p["correct"].get<bool>();
  }
  const Json results = read_json_file(out / "results.json");
  const Json& b = results["benchmarks"][0];
  EXPECT_EQ(b["name"], "numbers");
  EXPECT_EQ(b["role"], "extra");
  EXPECT_EQ(b["n"], 4);
  EXPECT_EQ(b["correct"], correct);
  EXPECT_EQ(correct, 0);  // a random 64-wide model does not produce 987654+i
  EXPECT_EQ(b["accuracy"].get<double>(), 0.0);
  EXPECT_EQ(b["ci95"][0].get<double>(), 0.0);
  EXPECT_NEAR(b["ci95"][1].get<double>(), 3.841459 / (4 + 3.841459), 1e-5);  // Wilson upper bound at 0/4
  EXPECT_EQ(results["meta"]["items"]["generated"], 4);
  const std::string md = read_file(out / "results.md");
  EXPECT_NE(md.find("| numbers | extra | 4 | 0 | 0.0 | 0.0 - 49.0 |"), std::string::npos) << md;
  EXPECT_EQ(read_file(out / "accuracy.png").substr(1, 3), "PNG");
  EXPECT_NE(read_file(out / "accuracy.svg").find("<svg"), std::string::npos);
}

TEST_F(EvalCli, KilledAfterAWriteResumesWithoutRedoingItems) {
  test::TempDir out;
  {
    ScopedEnv kill("REGENESIS_TEST_KILL_AFTER_COMMITS", "2");
    const auto r = run_regenesis(eval_args(out.path(), 5));
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
  }
  const std::string before = read_file(out / "predictions.jsonl");
  ASSERT_EQ(lines_of(before).size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(out / "results.json"));

  const auto r = run_regenesis(eval_args(out.path(), 5));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming: 2 of 5 items"), std::string::npos) << r.err;
  const std::string after = read_file(out / "predictions.jsonl");
  EXPECT_EQ(after.substr(0, before.size()), before);
  expect_unique_items(after, 5);
  const Json results = read_json_file(out / "results.json");
  EXPECT_EQ(results["meta"]["items"]["reused"], 2);
  EXPECT_EQ(results["meta"]["items"]["generated"], 3);
}

TEST_F(EvalCli, KilledInsideAWriteLeavesATornLineThatIsDropped) {
  test::TempDir out;
  {
    ScopedEnv kill("REGENESIS_TEST_KILL_IN_COMMIT", "3");
    const auto r = run_regenesis(eval_args(out.path(), 5));
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
  }
  const std::string torn = read_file(out / "predictions.jsonl");
  ASSERT_FALSE(torn.empty());
  EXPECT_NE(torn.back(), '\n');  // half of the third line
  const std::string complete = torn.substr(0, torn.rfind('\n') + 1);
  ASSERT_EQ(lines_of(complete).size(), 2u);

  const auto r = run_regenesis(eval_args(out.path(), 5));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("torn last line"), std::string::npos) << r.err;
  const std::string after = read_file(out / "predictions.jsonl");
  EXPECT_EQ(after.substr(0, complete.size()), complete);
  expect_unique_items(after, 5);
}

TEST_F(EvalCli, SigkillFromOutsideThenRerunCompletes) {
  test::TempDir out;
  const auto predictions = out / "predictions.jsonl";
  // Long completions (the random model rarely stops) keep the run going well past the first item.
  std::vector<std::string> args = eval_args(out.path(), 8, 160);
  args.insert(args.begin(), test::regenesis_binary().string());
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Kill as soon as the first item is on disk.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(predictions) && read_file(predictions).find('\n') != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string before = read_file(predictions);
  const std::string complete = before.substr(0, before.rfind('\n') + 1);
  ASSERT_GE(lines_of(complete).size(), 1u);

  args.erase(args.begin());
  const auto r = run_regenesis(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string after = read_file(predictions);
  EXPECT_EQ(after.substr(0, complete.size()), complete);
  expect_unique_items(after, 8);
  const Json results = read_json_file(out / "results.json");
  EXPECT_EQ(results["meta"]["items"]["reused"].get<size_t>(), lines_of(complete).size());
  if (lines_of(complete).size() == 8) std::printf("note: the first run finished before the kill\n");
}

TEST_F(EvalCli, BaselineAndReportCompareTwoEvaluations) {
  test::TempDir out;
  ASSERT_EQ(run_regenesis(eval_args(out / "base", 3)).exit_code, 0);
  auto args = eval_args(out / "again", 3);
  args.insert(args.end(), {"--baseline", (out / "base").string(), "--label", "again"});
  const auto r = run_regenesis(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The same greedy model twice: identical verdicts, no discordant pair, p = 1.
  const Json comparison = read_json_file(out / "again" / "comparison.json");
  EXPECT_EQ(comparison["benchmarks"][0]["paired"], 3);
  EXPECT_EQ(comparison["benchmarks"][0]["difference"].get<double>(), 0.0);
  EXPECT_EQ(comparison["benchmarks"][0]["mcnemar_exact_p"].get<double>(), 1.0);
  EXPECT_EQ(read_file(out / "again" / "comparison.png").substr(1, 3), "PNG");
  EXPECT_TRUE(std::filesystem::exists(out / "again" / "comparison.svg"));
  // Greedy decoding is deterministic: the completions are the same too.
  EXPECT_EQ(lines_of(read_file(out / "base" / "predictions.jsonl")),
            lines_of(read_file(out / "again" / "predictions.jsonl")));

  const auto report = run_regenesis({"report", "--eval", "base=" + (out / "base").string(), "--eval",
                                     (out / "again").string(), "--out", (out / "report").string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string md = read_file(out / "report" / "report.md");
  EXPECT_NE(md.find("### again vs base"), std::string::npos) << md;
  EXPECT_NE(md.find("| numbers | extra | 3 | 0.0 | 0.0 | +0.0 |"), std::string::npos) << md;
  EXPECT_EQ(read_file(out / "report" / "report.png").substr(1, 3), "PNG");
}

TEST_F(EvalCli, UserErrorsExitOneWithAClearMessage) {
  test::TempDir out;
  auto unknown = run_regenesis({"eval", "--model", model(), "--bench", "no_such_bench", "--out", out.path().string(),
                                "--data-dir", out.path().string()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown benchmark 'no_such_bench'"), std::string::npos) << unknown.err;

  std::filesystem::create_directories(out / "adapter");
  write_file_atomic(out / "adapter" / "adapter_config.json", "{}");
  auto args = eval_args(out / "a", 2);
  args.insert(args.end(), {"--adapter", (out / "adapter").string()});
  const auto adapter = run_regenesis(args);
  EXPECT_EQ(adapter.exit_code, 1);
  EXPECT_NE(adapter.err.find("--adapter is not supported"), std::string::npos) << adapter.err;

  ASSERT_EQ(run_regenesis(eval_args(out / "b", 2, 4)).exit_code, 0);
  const auto changed = run_regenesis(eval_args(out / "b", 2, 6));
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.err.find("max_tokens"), std::string::npos) << changed.err;
  EXPECT_NE(changed.err.find("--restart"), std::string::npos) << changed.err;
  auto restart = eval_args(out / "b", 2, 6);
  restart.push_back("--restart");
  EXPECT_EQ(run_regenesis(restart).exit_code, 0);

  // New weights in the same model directory (a retrained model) are not mixed with old items.
  std::filesystem::copy(model(), out / "copy", std::filesystem::copy_options::recursive);
  auto copied = eval_args(out / "c", 2, 4);
  copied[2] = (out / "copy").string();
  ASSERT_EQ(run_regenesis(copied).exit_code, 0);
  const auto weights = out / "copy" / "model.safetensors";
  std::filesystem::last_write_time(weights, std::filesystem::last_write_time(weights) + std::chrono::hours(1));
  const auto retrained = run_regenesis(copied);
  EXPECT_EQ(retrained.exit_code, 1);
  EXPECT_NE(retrained.err.find("model_files"), std::string::npos) << retrained.err;
}

TEST_F(EvalCli, GradeGivesTheExpectedVerdictsAndReportsUnknownIds) {
  test::TempDir out;
  write_file_atomic(out / "p.jsonl",
                    "{\"id\": \"n0\", \"completion\": \"0 + 987654 = 987654. The answer is \\\\boxed{987654}.\"}\n"
                    "{\"id\": \"n1\", \"completion\": \"He has 987,655 apples.\"}\n"
                    "{\"id\": \"n2\", \"completion\": \"The answer is 12.\"}\n");
  const auto r = run_regenesis({"grade", "--bench", bench(), "--predictions", (out / "p.jsonl").string(), "--out",
                                (out / "g").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(read_file(out / "g" / "predictions.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  const bool expected[] = {true, true, false};
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(parse_json(lines[i], "p")["correct"].get<bool>(), expected[i]) << lines[i];
  const Json results = read_json_file(out / "g" / "results.json");
  EXPECT_EQ(results["benchmarks"][0]["n"], 8);  // 5 questions without a prediction count as wrong
  EXPECT_EQ(results["benchmarks"][0]["correct"], 2);
  EXPECT_EQ(results["benchmarks"][0]["missing"], 5);
  EXPECT_NE(r.err.find("5 questions have no prediction"), std::string::npos) << r.err;

  write_file_atomic(out / "bad.jsonl", "{\"id\": \"n0\", \"completion\": \"1\"}\n{\"id\": \"zz\", \"completion\": \"1\"}\n");
  const auto bad = run_regenesis({"grade", "--bench", bench(), "--predictions", (out / "bad.jsonl").string(), "--out",
                                  (out / "h").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.jsonl:2: id 'zz'"), std::string::npos) << bad.err;
}

TEST(EvalCliShared, Stories260KRunsEndToEnd) {
  REGENESIS_REQUIRE_SHARED(model, "models/stories260K");
  REGENESIS_REQUIRE_SHARED(data, "data/svamp/test.jsonl");
  test::TempDir out;
  const auto r = run_regenesis({"eval", "--model", model.string(), "--bench", "svamp", "--data-dir",
                                data.parent_path().parent_path().string(), "--chat-template", "mistral-v1",
                                "--out", out.path().string(), "--limit", "2", "--max-tokens", "16", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(read_file(out / "predictions.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    const Json p = parse_json(line, "predictions");
    EXPECT_EQ(p["bench"], "svamp");
    EXPECT_GT(p["completion_tokens"].get<int>(), 0);
    EXPECT_FALSE(p["completion"].get<std::string>().empty());
  }
  const Json results = read_json_file(out / "results.json");
  EXPECT_EQ(results["benchmarks"][0]["role"], "out-of-domain");
  EXPECT_EQ(results["benchmarks"][0]["n"], 2);
  EXPECT_EQ(results["averages"][0]["role"], "out-of-domain");
}

TEST(EvalCliShared, GradingGsm8kGoldRationalesScoresAtLeast995) {
  REGENESIS_REQUIRE_SHARED(test_file, "data/gsm8k/test.jsonl");
  test::TempDir out;
  std::string predictions;
  for_each_jsonl(test_file, [&](const Json& q, long) {
    predictions += OrderedJson{{"id", q["id"]}, {"completion", q["rationale"]}}.dump() + "\n";
  });
  write_file_atomic(out / "gold.jsonl", predictions);
  const auto r = run_regenesis({"grade", "--bench", "gsm8k", "--data-dir",
                                test_file.parent_path().parent_path().string(), "--predictions",
                                (out / "gold.jsonl").string(), "--out", (out / "g").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json results = read_json_file(out / "g" / "results.json");
  const Json& b = results["benchmarks"][0];
  EXPECT_EQ(b["n"], 1319);
  EXPECT_EQ(b["missing"], 0);
  EXPECT_GE(b["accuracy"].get<double>(), 0.995) << b.dump();
  EXPECT_EQ(b["role"], "in-domain");
}

}  // namespace
}  // namespace regenesis
