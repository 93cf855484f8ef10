// End to end against ../shared/tokenizers/reference-vectors/generated/<family>.transformersjs.json:
// the `chat` object there is a conversation rendered by transformers.js with the tokenizer
// directory's own template. Detecting the template from that directory and rendering must give
// the same text.
#include <gtest/gtest.h>

#include "test_support.h"
#include "text/chat_template.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {
namespace {

TEST(ChatTemplateSharedVectors, DetectedTemplateRendersTheReferenceChat) {
  REGENESIS_REQUIRE_SHARED(tokenizers, "tokenizers");
  const auto generated = tokenizers / "reference-vectors" / "generated";
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(generated)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".transformersjs.json";
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix) continue;
    const std::string family_dir = file.substr(0, file.size() - suffix.size());
    SCOPED_TRACE(file);
    const Json chat = read_json_file(entry.path()).at("chat");
    if (chat.contains("error")) {
      // mistral-v0.1 has no template: detection must refuse it too.
      EXPECT_THROW(ChatTemplate::for_model(tokenizers / family_dir), Error);
      continue;
    }
    std::vector<ChatMessage> messages;
    for (const Json& m : chat.at("messages")) messages.push_back({m.at("role"), m.at("content")});
    const ChatTemplate tpl = ChatTemplate::for_model(tokenizers / family_dir);
    EXPECT_EQ(tpl.render(messages, chat.at("add_generation_prompt")),
              chat.at("rendered").get<std::string>())
        << "template " << tpl.name();
    ++compared;
  }
  EXPECT_GE(compared, 5);  // llama3, llama3.1, qwen3, gemma3, smollm2
}

}  // namespace
}  // namespace regenesis
