// The paper's FastChat templates. Expected strings: PAPER.md §2.4 for the single-turn prompt the
// ReGenesis code sends, and FastChat's Conversation.get_prompt() (SeparatorStyle LLAMA3 / LLAMA2)
// worked through by hand for the multi-turn ones.
#include <gtest/gtest.h>

#include "text/chat_template.h"
#include "util/error.h"

namespace regenesis {
namespace {

const std::string kSystem = "You are a helpful, respectful and honest assistant.";

std::string error_of(const ChatTemplate& chat, const std::vector<ChatMessage>& messages) {
  try {
    chat.render(messages);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ChatTemplatePaper, Llama3SingleTurnAsInThePaper) {
  const ChatTemplate chat = ChatTemplate::named("paper-llama-3");
  // FastChat strips the message; the paper's prompts end in a question.
  EXPECT_EQ(chat.render({{"user", "  Given the task: 2+2?\n\n Requirements: none.\n"}}),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" + kSystem +
                "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nGiven the task: 2+2?\n\n "
                "Requirements: none.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplatePaper, MistralSingleTurnAsInThePaperWithTheBosVllmAdds) {
  const ChatTemplate chat = ChatTemplate::named("paper-mistral");
  // Not stripped: LLAMA2 style writes the first message as is, then " [/INST]".
  EXPECT_EQ(chat.render({{"user", " What is 2+2?\n"}}),
            "<s>[INST] " + kSystem + "\n What is 2+2?\n [/INST]");
}

TEST(ChatTemplatePaper, MultiTurnAndTrainingPairs) {
  const std::vector<ChatMessage> turns = {{"user", "U1"}, {"assistant", " A1 "}, {"user", "U2"}};
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render(turns),
            "<s>[INST] " + kSystem + "\nU1 [/INST]  A1 </s>[INST] U2 [/INST]");
  EXPECT_EQ(ChatTemplate::named("paper-llama-3").render(turns),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" + kSystem +
                "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nU1<|eot_id|>"
                "<|start_header_id|>assistant<|end_header_id|>\n\nA1<|eot_id|>"
                "<|start_header_id|>user<|end_header_id|>\n\nU2<|eot_id|>"
                "<|start_header_id|>assistant<|end_header_id|>\n\n");
  const std::vector<ChatMessage> pair = {{"user", "Q"}, {"assistant", "A"}};
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render(pair, false),
            "<s>[INST] " + kSystem + "\nQ [/INST] A</s>");
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render({{"user", "Q"}}, false),
            "<s>[INST] " + kSystem + "\nQ ");
  // The prompt of a training pair is a prefix of the pair (what the trainer masks).
  const std::string prompt = ChatTemplate::named("paper-llama-3").render({{"user", "Q"}}, true);
  const std::string full = ChatTemplate::named("paper-llama-3").render(pair, false);
  EXPECT_EQ(full.substr(0, prompt.size()), prompt);
  EXPECT_EQ(full.substr(prompt.size()), "A<|eot_id|>");
}

TEST(ChatTemplatePaper, LeadingSystemMessageReplacesTheDefault) {
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render({{"system", "Be brief."}, {"user", "Q"}}),
            "<s>[INST] Be brief.\nQ [/INST]");
  // An empty system message drops the system block, as FastChat does.
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render({{"system", ""}, {"user", "Q"}}),
            "<s>[INST] Q [/INST]");
  EXPECT_EQ(ChatTemplate::named("paper-llama-3").render({{"system", ""}, {"user", "Q"}}),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplatePaper, EmptyMessagesRenderAsOpenTurnsLikeNone) {
  EXPECT_EQ(ChatTemplate::named("paper-llama-3").render({{"system", ""}, {"user", ""}}, false),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n");
  EXPECT_EQ(ChatTemplate::named("paper-mistral").render({{"user", "Q"}, {"assistant", ""}}, false),
            "<s>[INST] " + kSystem + "\nQ [/INST]");
}

TEST(ChatTemplatePaper, CustomTokensAreUsed) {
  EXPECT_EQ(ChatTemplate::named("paper-mistral", "<BOS>", "<EOS>")
                .render({{"user", "Q"}, {"assistant", "A"}}, false),
            "<BOS>[INST] " + kSystem + "\nQ [/INST] A<EOS>");
}

TEST(ChatTemplatePaper, RolesMustAlternate) {
  for (const char* name : {"paper-llama-3", "paper-mistral"}) {
    const ChatTemplate chat = ChatTemplate::named(name);
    std::string error = error_of(chat, {{"assistant", "A"}, {"user", "Q"}});
    EXPECT_NE(error.find("message 0 has role 'assistant'"), std::string::npos) << error;
    EXPECT_NE(error.find(name), std::string::npos) << error;
    error = error_of(chat, {{"user", "Q"}, {"user", "Q2"}});
    EXPECT_NE(error.find("message 1 has role 'user', expected 'assistant'"), std::string::npos);
    error = error_of(chat, {{"system", "S"}, {"user", "Q"}, {"tool", "42"}});
    EXPECT_NE(error.find("message 2 has role 'tool'"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace regenesis
