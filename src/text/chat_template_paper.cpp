// The paper's prompts (PAPER.md §2.3-2.4): FastChat conversation templates "llama-3" and
// "mistral" with the system message "You are a helpful, respectful and honest assistant.",
// rendered by Conversation.get_prompt(). A leading system message replaces that default (as
// FastChat's own API server does with set_system_message). add_generation_prompt appends the
// open assistant turn (append_message(roles[1], None)). FastChat treats an empty message like
// None: only its role tag is written.
#include "text/chat_template_family.h"
#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {

constexpr const char* kPaperSystem = "You are a helpful, respectful and honest assistant.";

struct FastChatConversation {
  std::string system;
  Messages turns;  // user, assistant, user, ... (FastChat assigns roles by position)
};

// FastChat has no roles beyond its two, and LLAMA2-style prompts tag turns by position, so
// anything but strict user/assistant alternation would be mis-rendered: refuse it.
FastChatConversation to_fastchat(const char* family, const Messages& messages) {
  FastChatConversation conv{kPaperSystem, {}};
  size_t first = 0;
  if (!messages.empty() && messages[0].role == "system") {
    conv.system = messages[0].content;
    first = 1;
  }
  for (size_t i = first; i < messages.size(); ++i) {
    const std::string expected = (i - first) % 2 == 0 ? "user" : "assistant";
    if (messages[i].role != expected)
      template_error(family, "FastChat conversations alternate user/assistant after an optional "
                             "leading system message; message " + std::to_string(i) +
                             " has role '" + messages[i].role + "', expected '" + expected + "'");
    conv.turns.push_back(messages[i]);
  }
  return conv;
}

}  // namespace

// SeparatorStyle.LLAMA3: "<|begin_of_text|>", the system block when the system message is not
// empty, then every turn with its content stripped (str.strip()).
std::string render_paper_llama3(const Messages& messages, bool add_generation_prompt,
                                const SpecialTokens& tokens) {
  const FastChatConversation conv = to_fastchat("paper-llama-3", messages);
  std::string out = tokens.bos;
  if (!conv.system.empty())
    out += "<|start_header_id|>system<|end_header_id|>\n\n" + conv.system + "<|eot_id|>";
  auto header = [](const std::string& role) {
    return "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
  };
  for (const ChatMessage& turn : conv.turns) {
    out += header(turn.role);
    if (!turn.content.empty()) out += py_strip(turn.content) + "<|eot_id|>";
  }
  if (add_generation_prompt) out += header("assistant");
  return out;
}

// SeparatorStyle.LLAMA2 with system_template "[INST] {system_message}\n", roles ("[INST]",
// "[/INST]"), sep " ", sep2 "</s>" (the eos token). The first message is written bare (the system
// block already opened [INST]). The text starts with BOS because vLLM adds it when it tokenizes
// FastChat's prompt.
std::string render_paper_mistral(const Messages& messages, bool add_generation_prompt,
                                 const SpecialTokens& tokens) {
  const FastChatConversation conv = to_fastchat("paper-mistral", messages);
  std::string out = tokens.bos;
  out += conv.system.empty() ? "[INST] " : "[INST] " + conv.system + "\n";
  auto tag = [](size_t i) { return i % 2 == 0 ? "[INST]" : "[/INST]"; };
  for (size_t i = 0; i < conv.turns.size(); ++i) {
    const std::string& content = conv.turns[i].content;
    if (content.empty()) out += tag(i);
    else if (i == 0) out += content + " ";
    else out += tag(i) + (" " + content) + (i % 2 == 0 ? " " : tokens.eos);
  }
  if (add_generation_prompt) out += tag(conv.turns.size());
  return out;
}

}  // namespace regenesis::chat_detail
