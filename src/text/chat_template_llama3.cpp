// Llama 3 family: the Meta-Llama-3-8B-Instruct templates (original and updated) and the
// Llama 3.1/3.2/3.3 template with its "Cutting Knowledge Date" system block.
#include "text/chat_template_family.h"
#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {

constexpr const char* kAssistantHeader = "<|start_header_id|>assistant<|end_header_id|>\n\n";

std::string turn(const std::string& role, const std::string& content) {
  return "<|start_header_id|>" + role + "<|end_header_id|>\n\n" + py_strip(content) + "<|eot_id|>";
}

// Both Llama 3 templates: every turn trimmed, BOS before the first one.
std::string llama3_turns(const Messages& messages, const SpecialTokens& tokens) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i == 0) out += tokens.bos;
    out += turn(messages[i].role, messages[i].content);
  }
  return out;
}

}  // namespace

// The template as first released writes the assistant header unconditionally.
std::string render_llama3(const Messages& messages, bool, const SpecialTokens& tokens) {
  return llama3_turns(messages, tokens) + kAssistantHeader;
}

std::string render_llama3_updated(const Messages& messages, bool add_generation_prompt,
                                  const SpecialTokens& tokens) {
  std::string out = llama3_turns(messages, tokens);
  if (add_generation_prompt) out += kAssistantHeader;
  return out;
}

// Llama 3.1 without tools: a leading system message (trimmed) goes after the date block, which
// is written even when there is none; "tool"/"ipython" turns become ipython turns whose content
// is JSON-encoded (a string is "iterable" to jinja2, so `| tojson` applies).
std::string render_llama31(const Messages& all, bool add_generation_prompt,
                           const SpecialTokens& tokens) {
  if (all.empty()) empty_conversation_error("llama3.1");
  std::string system_message;
  size_t first = 0;
  if (all[0].role == "system") {
    system_message = py_strip(all[0].content);
    first = 1;
  }
  std::string out = tokens.bos;
  out += "<|start_header_id|>system<|end_header_id|>\n\n";
  out += "Cutting Knowledge Date: December 2023\n";
  out += "Today Date: 26 Jul 2024\n\n";
  out += system_message + "<|eot_id|>";
  for (size_t i = first; i < all.size(); ++i) {
    const ChatMessage& message = all[i];
    if (message.role == "ipython" || message.role == "tool") {
      out += "<|start_header_id|>ipython<|end_header_id|>\n\n" + py_json_string(message.content) +
             "<|eot_id|>";
    } else {
      out += turn(message.role, message.content);
    }
  }
  if (add_generation_prompt) out += kAssistantHeader;
  return out;
}

}  // namespace regenesis::chat_detail
