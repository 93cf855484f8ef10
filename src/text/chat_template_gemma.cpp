// Gemma templates: "model" for the assistant, trimmed turns, strict user/assistant alternation.
// Gemma 3 folds a leading system message (untrimmed, plus "\n\n") into the first turn; Gemma 2
// refuses it.
#include "text/chat_template_family.h"
#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {

constexpr const char* kAlternationError =
    "Conversation roles must alternate user/assistant/user/assistant/...";

std::string gemma_turns(const char* family, const Messages& messages, size_t first,
                        const std::string& first_user_prefix) {
  std::string out;
  for (size_t i = first; i < messages.size(); ++i) {
    const size_t index = i - first;
    const ChatMessage& m = messages[i];
    if ((m.role == "user") != (index % 2 == 0)) template_error(family, kAlternationError);
    const std::string role = m.role == "assistant" ? "model" : m.role;
    out += "<start_of_turn>" + role + "\n" + (index == 0 ? first_user_prefix : "") +
           py_strip(m.content) + "<end_of_turn>\n";
  }
  return out;
}

}  // namespace

std::string render_gemma3(const Messages& messages, bool add_generation_prompt,
                          const SpecialTokens& tokens) {
  if (messages.empty()) empty_conversation_error("gemma");
  const bool has_system = messages[0].role == "system";
  const std::string prefix = has_system ? messages[0].content + "\n\n" : "";
  std::string out = tokens.bos + gemma_turns("gemma", messages, has_system ? 1 : 0, prefix);
  if (add_generation_prompt) out += "<start_of_turn>model\n";
  return out;
}

std::string render_gemma2(const Messages& messages, bool add_generation_prompt,
                          const SpecialTokens& tokens) {
  if (messages.empty()) empty_conversation_error("gemma2");
  if (messages[0].role == "system") template_error("gemma2", "System role not supported");
  std::string out = tokens.bos + gemma_turns("gemma2", messages, 0, "");
  if (add_generation_prompt) out += "<start_of_turn>model\n";
  return out;
}

}  // namespace regenesis::chat_detail
