// `regenesis chat-template` through the built binary.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace regenesis {
namespace {

using nlohmann::json;

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const char* kChatML =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] "
    "+ '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' "
    "}}{% endif %}";

TEST(ChatTemplateCli, NamedTemplatePrintsTheTextExactly) {
  test::TempDir dir;
  write(dir / "chat.json", R"([{"role": "user", "content": "What is 2+2?"}])");
  auto result = test::run_regenesis({"chat-template", "--template", "paper-mistral", "--messages",
                                     (dir / "chat.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "<s>[INST] You are a helpful, respectful and honest assistant.\nWhat is 2+2? [/INST]");
}

TEST(ChatTemplateCli, DetectsFromTokenizerDirAndPrintsJson) {
  test::TempDir dir;
  write(dir / "tokenizer_config.json", json{{"chat_template", kChatML}}.dump());
  write(dir / "chat.json", R"({"messages": [{"role": "system", "content": "S"},
                                            {"role": "user", "content": "Hi\n"}]})");
  auto result = test::run_regenesis({"chat-template", "--tokenizer", dir.path().string(),
                                     "--messages", (dir / "chat.json").string(), "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json out = json::parse(result.out);
  EXPECT_EQ(out["template"], "chatml");
  EXPECT_EQ(out["text"],
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi\n<|im_end|>\n<|im_start|>assistant\n");

  result = test::run_regenesis({"chat-template", "--tokenizer", dir.path().string(), "--messages",
                                (dir / "chat.json").string(), "--no-generation-prompt",
                                "--chat-template", "gemma"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "<bos><start_of_turn>user\nS\n\nHi<end_of_turn>\n");
}

TEST(ChatTemplateCli, TemplateErrorsExitWithOne) {
  test::TempDir dir;
  write(dir / "chat.json", R"([{"role": "assistant", "content": "A"}, {"role": "user", "content": "Q"}])");
  auto result = test::run_regenesis({"chat-template", "--template", "mistral-v3", "--messages",
                                     (dir / "chat.json").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("Conversation must start with a user message, got assistant."),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.out, "");
}

TEST(ChatTemplateCli, UnknownTemplateNamesTheFileAndTheFlag) {
  test::TempDir dir;
  write(dir / "tokenizer_config.json", json{{"chat_template", "{{ 'custom' }}"}}.dump());
  write(dir / "chat.json", R"([{"role": "user", "content": "Q"}])");
  auto result = test::run_regenesis({"chat-template", "--tokenizer", dir.path().string(),
                                     "--messages", (dir / "chat.json").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find((dir / "tokenizer_config.json").string()), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--chat-template NAME"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("llama3.1"), std::string::npos) << result.err;
}

// Each case starts the binary (about a second with libtorch loaded), so they are few.
TEST(ChatTemplateCli, BadMessagesFileNamesTheFileAndTheField) {
  test::TempDir dir;
  const std::string path = (dir / "chat.json").string();
  struct Case {
    const char* content;
    const char* expected;
  };
  for (const Case& c : {Case{R"([{"role": "user", "content": 7}])", "messages[0]: field 'content'"},
                        Case{R"([{"role": "user", "content": "a"}, {"content": "b"}])",
                             "messages[1]: missing field 'role'"},
                        Case{R"({"messages": "hi"})", "field 'messages' must be an array"}}) {
    write(dir / "chat.json", c.content);
    auto result = test::run_regenesis({"chat-template", "--template", "chatml", "--messages", path});
    EXPECT_EQ(result.exit_code, 1) << c.content;
    EXPECT_NE(result.err.find(path), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
  }
}

TEST(ChatTemplateCli, NeedsExactlyOneSource) {
  test::TempDir dir;
  write(dir / "chat.json", "[]");
  auto result = test::run_regenesis({"chat-template", "--messages", (dir / "chat.json").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--tokenizer"), std::string::npos) << result.err;
  result = test::run_regenesis({"chat-template", "--template", "chatml", "--tokenizer",
                                dir.path().string(), "--messages", (dir / "chat.json").string()});
  EXPECT_EQ(result.exit_code, 1);
}

}  // namespace
}  // namespace regenesis
