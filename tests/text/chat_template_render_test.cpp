// Every family against reference renderings of its real Jinja template (tests/data/chat/*.json,
// made with @huggingface/jinja and cross-checked with Python jinja2; see the README there).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "test_support.h"
#include "text/chat_template.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {
namespace {

std::filesystem::path chat_data_dir() { return test::source_dir() / "tests" / "data" / "chat"; }

std::vector<std::string> data_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(chat_data_dir()))
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<ChatMessage> messages_from(const Json& list) {
  std::vector<ChatMessage> messages;
  for (const Json& m : list) messages.push_back({m.at("role"), m.at("content")});
  return messages;
}

class ChatTemplateReference : public ::testing::TestWithParam<std::string> {};

TEST_P(ChatTemplateReference, RendersLikeTheJinjaTemplate) {
  const Json doc = read_json_file(chat_data_dir() / GetParam());
  const ChatTemplate chat = ChatTemplate::named(doc.at("family"), doc.at("bos_token"),
                                                doc.at("eos_token"));
  int checked = 0;
  for (const Json& c : doc.at("cases")) {
    const std::string conversation = c.at("conversation");
    const bool generation_prompt = c.at("add_generation_prompt");
    SCOPED_TRACE(conversation + (generation_prompt ? " (generation prompt)" : ""));
    const auto messages = messages_from(doc.at("conversations").at(conversation));
    if (c.contains("expected")) {
      EXPECT_EQ(chat.render(messages, generation_prompt), c.at("expected").get<std::string>());
    } else {
      const std::string error = c.at("error");
      try {
        const std::string text = chat.render(messages, generation_prompt);
        ADD_FAILURE() << "expected the template's error \"" << error << "\", got text: " << text;
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(error), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(chat.name()), std::string::npos) << e.what();
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, ChatTemplateReference, ::testing::ValuesIn(data_files()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(ChatTemplateReferenceData, CoversEveryDetectableFamily) {
  std::set<std::string> covered;
  for (const std::string& file : data_files())
    covered.insert(read_json_file(chat_data_dir() / file).at("family").get<std::string>());
  for (const std::string& name : ChatTemplate::names()) {
    if (name.rfind("paper-", 0) == 0) continue;  // FastChat, no Jinja: chat_template_paper_test
    EXPECT_TRUE(covered.count(name)) << "no reference renderings for " << name;
  }
}

// The data's plain ChatML string is the one `model init` writes.
TEST(ChatTemplateReferenceData, ChatMLDataUsesOurTemplateString) {
  const Json doc = read_json_file(chat_data_dir() / "chatml.json");
  EXPECT_EQ(doc.at("template").get<std::string>(), std::string(kChatMLJinja));
}

// What SFT masking relies on: the prompt (with the generation prompt) is a prefix of the prompt
// plus the assistant's answer. It holds for every family except one quirk of the HF Mistral
// v0.3 template, which drops the system message once the last turn is not a user turn.
TEST(ChatTemplateProperties, PromptIsAPrefixOfPromptPlusAnswer) {
  const std::vector<std::vector<ChatMessage>> prompts = {
      {{"user", "Q"}},
      {{"system", "S"}, {"user", "Q"}},
      {{"user", "Q1"}, {"assistant", "A1"}, {"user", "Q2"}},
  };
  int checked = 0;
  for (const std::string& name : ChatTemplate::names()) {
    const ChatTemplate chat = ChatTemplate::named(name);
    for (const auto& prompt : prompts) {
      if (name == "gemma2" && prompt[0].role == "system") continue;  // refused by the template
      auto full = prompt;
      full.push_back({"assistant", "The answer."});
      const std::string prompt_text = chat.render(prompt, true);
      const std::string full_text = chat.render(full, false);
      const bool prefix = full_text.compare(0, prompt_text.size(), prompt_text) == 0;
      const bool quirk = name == "mistral-hf-v0.3" && prompt[0].role == "system";
      EXPECT_EQ(prefix, !quirk) << name << ": prompt\n" << prompt_text << "\nfull\n" << full_text;
      EXPECT_NE(full_text.find("The answer."), std::string::npos) << name;
      ++checked;
    }
  }
  EXPECT_GE(checked, 45);
}

}  // namespace
}  // namespace regenesis
