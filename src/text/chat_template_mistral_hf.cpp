// The chat template shipped in the Hugging Face repository of Mistral-7B-Instruct-v0.3 (the
// version with tool support). Unlike mistral-common's v3 template it trims assistant turns,
// requires strict user/assistant alternation, and writes the system message into the last turn
// only when that turn is a user turn (so a conversation ending with the assistant loses it).
#include "text/chat_template_family.h"
#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {
constexpr const char* kName = "mistral-hf-v0.3";
}

std::string render_mistral_hf_v03(const Messages& messages, bool, const SpecialTokens& tokens) {
  if (messages.empty()) empty_conversation_error(kName);
  bool has_system = messages[0].role == "system";
  const std::string system_message = has_system ? messages[0].content : "";
  const size_t first = has_system ? 1 : 0;

  // Tool turns are skipped by the alternation check.
  long index = 0;
  for (size_t i = first; i < messages.size(); ++i) {
    const std::string& role = messages[i].role;
    if (role == "tool" || role == "tool_results") continue;
    if ((role == "user") != (index % 2 == 0))
      template_error(kName, "After the optional system message, conversation roles must alternate "
                            "user/assistant/user/assistant/...");
    ++index;
  }

  std::string out = tokens.bos;
  for (size_t i = first; i < messages.size(); ++i) {
    const ChatMessage& message = messages[i];
    const bool last = i + 1 == messages.size();
    if (message.role == "user") {
      out += "[INST] ";
      if (last && has_system) out += system_message + "\n\n";
      out += message.content + "[/INST]";
    } else if (message.role == "assistant") {
      out += ' ';
      out += py_strip(message.content) + tokens.eos;
    } else if (message.role == "tool_results" || message.role == "tool") {
      // Our messages carry no tool_call_id, which the template requires.
      template_error(kName, "Tool call IDs should be alphanumeric strings with length 9!");
    } else {
      template_error(kName, "Only user and assistant roles are supported, with the exception of an "
                            "initial optional system message!");
    }
  }
  return out;
}

}  // namespace regenesis::chat_detail
