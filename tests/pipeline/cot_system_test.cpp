// The chain-of-thought baselines send their own prompt set's system message (system.txt of
// synthesis.prompts), and an empty one means no system message at all: the toy set prompts/toy-cot
// samples the toy reasoner with exactly the user turn it is trained and evaluated with.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "pipeline/run_session.h"
#include "util/files.h"

namespace regenesis {
namespace {


// A STaR session (zero-shot, one path) over one question with `prompts_dir`, through
// RunSession::from_config as `run` builds it; returns the messages of the request sent.
std::vector<std::pair<std::string, std::string>> sent_messages(const test::TempDir& dir,
                                                                const std::filesystem::path& prompts_dir) {
  write_file_atomic(dir / "questions.jsonl",
                    "{\"id\": \"q1\", \"question\": \"Tom has 3 apples and buys 4 more. How many?\", "
                    "\"answer\": \"7\", \"answer_type\": \"number\"}\n");
  RunConfig config = RunConfig::defaults_for("star");
  config.synthesis.prompts = prompts_dir.string();
  config.synthesis.shots = 0;
  config.synthesis.paths = 1;
  config.filter.max_path_tokens = 0;
  config.data.questions = (dir / "questions.jsonl").string();
  config.run.dir = (dir / "run").string();
  auto generator = std::make_unique<test::ScriptedGenerator>();
  auto* raw = generator.get();
  auto session = RunSession::from_config(config, SessionOptions{"test", false, false, ""}, std::move(generator));
  session->synthesize();
  EXPECT_EQ(raw->sent.size(), 1u);
  return raw->sent.empty() ? std::vector<std::pair<std::string, std::string>>{} : test::messages_of(raw->sent[0]);
}

void write_prompt_dir(const std::filesystem::path& dir, const std::string& system) {
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "system.txt", system);
  write_file_atomic(dir / "question.txt", "Q: {question}\n");
  write_file_atomic(dir / "hint_question.txt", "Q: {question} (answer {answer})\n");
}

TEST(CotSystemMessage, ComesFromTheCotPromptSet) {
  test::TempDir dir;
  write_prompt_dir(dir / "prompts", "Be brief.\n");
  const auto messages = sent_messages(dir, dir / "prompts");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"system", "Be brief."}, {"user", "Q: Tom has 3 apples and buys 4 more. How many?"}};
  EXPECT_EQ(messages, want);
}

TEST(CotSystemMessage, AnEmptySystemFileSendsNone) {
  test::TempDir dir;
  write_prompt_dir(dir / "prompts", "");
  const auto messages = sent_messages(dir, dir / "prompts");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"user", "Q: Tom has 3 apples and buys 4 more. How many?"}};
  EXPECT_EQ(messages, want);
}

TEST(CotSystemMessage, ToyCotSetSendsTheToyTrainPromptAlone) {
  test::TempDir dir;
  const auto messages = sent_messages(dir, test::source_dir() / "prompts" / "toy-cot");
  std::string train_prompt = read_file(test::source_dir() / "prompts" / "toy" / "train_prompt.txt");
  if (!train_prompt.empty() && train_prompt.back() == '\n') train_prompt.pop_back();
  const std::string question = "Tom has 3 apples and buys 4 more. How many?";
  const std::vector<std::pair<std::string, std::string>> want = {
      {"user", train_prompt.replace(train_prompt.find("{question}"), 10, question)}};
  EXPECT_EQ(messages, want);
}

}  // namespace
}  // namespace regenesis
