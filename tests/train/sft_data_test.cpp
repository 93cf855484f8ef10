// Reading SFT files, and the loss mask checked against an independent tokenization of the known
// ChatML (and Llama 3) layouts.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/sft_tokenize.h"
#include "train_fixtures.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(SftData, ReadsChatAlpacaAndPromptCompletionLines) {
  test::TempDir dir;
  test::write_lines(dir / "sft.jsonl",
                    {test::chat_line("Q1", "A1"), "",
                     R"({"instruction": "Add.", "input": "2 and 3", "output": "5"})",
                     R"({"instruction": "Say hi.", "input": "", "output": "hi"})",
                     R"({"prompt": "P", "completion": "C"})",
                     R"({"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "X"}, {"role": "user", "content": "U2"}, {"role": "assistant", "content": "Y"}]})"});
  const auto examples = read_sft_jsonl(dir / "sft.jsonl");
  ASSERT_EQ(examples.size(), 5u);
  EXPECT_EQ(examples[0].line, 1);
  EXPECT_EQ(examples[0].messages[1].content, "A1");
  EXPECT_EQ(examples[1].line, 3);  // the blank line is skipped but counted
  EXPECT_EQ(examples[1].messages[0].content, "Add.\n\n2 and 3");
  EXPECT_EQ(examples[1].messages[1].role, "assistant");
  EXPECT_EQ(examples[2].messages[0].content, "Say hi.");
  EXPECT_EQ(examples[3].messages[0].content, "P");
  EXPECT_EQ(examples[4].messages.size(), 5u);
}

TEST(SftData, BadLinesAreErrorsNamingFileAndLine) {
  test::TempDir dir;
  const auto path = dir / "bad.jsonl";
  const std::string good = test::chat_line("Q", "A");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "invalid JSON"},
      {R"({"text": "x"})", "no known layout"},
      {R"({"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]})", "robot"},
      {R"({"messages": [{"role": "assistant", "content": "y"}, {"role": "user", "content": "x"}]})", "last turn"},
      {R"({"messages": []})", "non-empty"},
      {R"({"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "y"}]})", "content"},
      {R"({"instruction": "x"})", "output"}};
  for (const auto& [line, expected] : cases) {
    test::write_lines(path, {good, good, line});
    const std::string message = error_of([&] { read_sft_jsonl(path); });
    EXPECT_NE(message.find(path.string() + ":3:"), std::string::npos) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
  test::write_lines(path, {});
  EXPECT_NE(error_of([&] { read_sft_jsonl(path); }).find("no examples"), std::string::npos);
}

class SftMasking : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    test::write_tiny_model(dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }
  static const std::filesystem::path& model_dir() { return dir_->path(); }
  static test::TempDir* dir_;
};
test::TempDir* SftMasking::dir_ = nullptr;

// The tokens of `text` with the loss flag `loss` appended to (tokens, mask).
void append(const Tokenizer& tok, const std::string& text, uint8_t loss, std::vector<int32_t>& tokens,
            std::vector<uint8_t>& mask) {
  for (int32_t id : tok.encode(text, false)) {
    tokens.push_back(id);
    mask.push_back(loss);
  }
}

TEST_F(SftMasking, ChatMLLabelsCoverExactlyTheAssistantContentAndEndOfTurn) {
  const Tokenizer tok = Tokenizer::load(model_dir());
  const ChatTemplate chat = ChatTemplate::for_model(model_dir());
  ASSERT_EQ(chat.name(), "chatml");
  SftExample example;
  example.messages = {{"user", "What is 2 + 3?"}, {"assistant", "It is 5, the sum."}};
  const TokenizedExample got = SftTokenizer(tok, chat).tokenize(example);

  // Independent: the ChatML layout written out by hand, piece by piece.
  std::vector<int32_t> tokens;
  std::vector<uint8_t> mask;
  append(tok, "<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n", 0, tokens, mask);
  append(tok, "It is 5, the sum.", 1, tokens, mask);
  append(tok, "<|im_end|>", 1, tokens, mask);
  append(tok, "\n", 0, tokens, mask);
  EXPECT_EQ(got.tokens, tokens);
  EXPECT_EQ(got.loss, mask);
  // The end-of-turn token is the last target.
  const auto last = std::find(got.loss.rbegin(), got.loss.rend(), 1);
  EXPECT_EQ(got.tokens[got.tokens.size() - 1 - (last - got.loss.rbegin())], *tok.token_to_id("<|im_end|>"));
}

TEST_F(SftMasking, EveryAssistantTurnOfAConversationIsTrainedAndNothingElse) {
  const Tokenizer tok = Tokenizer::load(model_dir());
  const ChatTemplate chat = ChatTemplate::for_model(model_dir());
  SftExample example;
  example.messages = {{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"},
                      {"assistant", "See you."}};
  const TokenizedExample got = SftTokenizer(tok, chat).tokenize(example);
  std::vector<int32_t> tokens;
  std::vector<uint8_t> mask;
  append(tok, "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", 0, tokens, mask);
  append(tok, "Hello.<|im_end|>", 1, tokens, mask);
  append(tok, "\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n", 0, tokens, mask);
  append(tok, "See you.<|im_end|>", 1, tokens, mask);
  append(tok, "\n", 0, tokens, mask);
  EXPECT_EQ(got.tokens, tokens);
  EXPECT_EQ(got.loss, mask);
}

TEST_F(SftMasking, LongExamplesAreAnErrorWithFileAndLineOrCutWithTruncate) {
  const Tokenizer tok = Tokenizer::load(model_dir());
  const ChatTemplate chat = ChatTemplate::for_model(model_dir());
  test::TempDir dir;
  const auto path = dir / "sft.jsonl";
  std::string long_answer;
  for (int i = 0; i < 40; ++i) long_answer += "more words ";
  test::write_lines(path, {test::chat_line("Q", "short"), test::chat_line("Q", long_answer)});
  SftStats stats;
  const std::string message = error_of([&] { read_tokenized_sft(path.string(), tok, chat, 32, false, stats); });
  EXPECT_NE(message.find(path.string() + ":2:"), std::string::npos) << message;
  EXPECT_NE(message.find("--max-length 32"), std::string::npos) << message;
  EXPECT_NE(message.find("--truncate"), std::string::npos) << message;

  SftStats cut;
  const auto data = read_tokenized_sft(path.string(), tok, chat, 32, true, cut);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].tokens.size(), 32u);
  EXPECT_EQ(cut.truncated, 1);
  EXPECT_GT(data[1].loss_tokens(), 0);
  // A cut that leaves no target (inside a long prompt) drops the example.
  test::write_lines(path, {test::chat_line("Q", "short"), test::chat_line(long_answer, "x")});
  SftExample short_example;
  short_example.messages = {{"user", "Q"}, {"assistant", "short"}};
  const int64_t fits = static_cast<int64_t>(SftTokenizer(tok, chat).tokenize(short_example).tokens.size());
  SftStats dropped;
  const auto few = read_tokenized_sft(path.string(), tok, chat, fits, true, dropped);
  EXPECT_EQ(dropped.dropped, 1);
  EXPECT_EQ(dropped.truncated, 1);
  ASSERT_EQ(few.size(), 1u);
  EXPECT_EQ(few[0].line, 1);
}

TEST(SftMaskingShared, Llama3TrainsContentAndEotButNotTheHeaderTheTemplateAppends) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/llama3");
  const Tokenizer tok = Tokenizer::load(dir);
  // The first Llama 3 template appends an assistant header even after the last assistant turn.
  const ChatTemplate chat = ChatTemplate::named("llama3", "<|begin_of_text|>", "<|eot_id|>");
  SftExample example;
  example.messages = {{"user", "What is 7 * 6?"}, {"assistant", "7 * 6 = 42. The answer is 42."}};
  const TokenizedExample got = SftTokenizer(tok, chat).tokenize(example);
  std::vector<int32_t> tokens;
  std::vector<uint8_t> mask;
  append(tok, "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 7 * 6?<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n", 0, tokens, mask);
  append(tok, "7 * 6 = 42. The answer is 42.", 1, tokens, mask);
  append(tok, "<|eot_id|>", 1, tokens, mask);
  append(tok, "<|start_header_id|>assistant<|end_header_id|>\n\n", 0, tokens, mask);
  EXPECT_EQ(got.tokens, tokens);
  EXPECT_EQ(got.loss, mask);
}

}  // namespace
}  // namespace regenesis
