// ChatML templates without reasoning rules: plain ChatML (what `model init` writes), SmolLM2
// (default system turn) and Qwen2.5 (default system turn, tool turns folded into user turns,
// other unknown roles dropped).
#include "text/chat_template_family.h"

namespace regenesis::chat_detail {
namespace {

constexpr const char* kGenerationPrompt = "<|im_start|>assistant\n";

std::string turn(const std::string& role, const std::string& content) {
  return "<|im_start|>" + role + "\n" + content + "<|im_end|>\n";
}

}  // namespace

std::string render_chatml(const Messages& messages, bool add_generation_prompt,
                          const SpecialTokens&) {
  std::string out;
  for (const ChatMessage& m : messages) out += turn(m.role, m.content);
  if (add_generation_prompt) out += kGenerationPrompt;
  return out;
}

std::string render_smollm2(const Messages& messages, bool add_generation_prompt,
                           const SpecialTokens&) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i == 0 && messages[0].role != "system")
      out += turn("system", "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
    out += turn(messages[i].role, messages[i].content);
  }
  if (add_generation_prompt) out += kGenerationPrompt;
  return out;
}

void append_qwen_tool_response(const Messages& messages, size_t i, std::string& out) {
  if (i == 0 || messages[i - 1].role != "tool") out += "<|im_start|>user";
  out += "\n<tool_response>\n" + messages[i].content + "\n</tool_response>";
  if (i + 1 == messages.size() || messages[i + 1].role != "tool") out += "<|im_end|>\n";
}

std::string render_qwen25(const Messages& messages, bool add_generation_prompt,
                          const SpecialTokens&) {
  if (messages.empty()) empty_conversation_error("qwen2.5");
  std::string out;
  if (messages[0].role == "system") out += turn("system", messages[0].content);
  else out += turn("system", "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.");
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string& role = messages[i].role;
    if (role == "user" || (role == "system" && i != 0) || role == "assistant") {
      out += turn(role, messages[i].content);
    } else if (role == "tool") {
      append_qwen_tool_response(messages, i, out);
    }
  }
  if (add_generation_prompt) out += kGenerationPrompt;
  return out;
}

}  // namespace regenesis::chat_detail
