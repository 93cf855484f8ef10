// Qwen3's ChatML template with reasoning rules: an assistant turn after the last real user query
// keeps its <think> block (the final turn always gets one, empty if need be); earlier assistant
// turns lose theirs. Reasoning comes from "<think>...</think>" inside the content, since our
// messages have no reasoning_content field. The generation prompt is the template's default
// (enable_thinking not set): no empty think block is added.
#include "text/chat_template_family.h"
#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Index of the last user message that is not a wrapped tool response (multi-step tool use),
// or the last index when there is none.
size_t last_query_index(const Messages& messages) {
  for (size_t i = messages.size(); i-- > 0;) {
    const ChatMessage& m = messages[i];
    bool tool_response = starts_with(m.content, "<tool_response>") &&
                         ends_with(m.content, "</tool_response>");
    if (m.role == "user" && !tool_response) return i;
  }
  return messages.size() - 1;
}

std::string assistant_turn(const Messages& messages, size_t i, size_t last_query) {
  const std::string& raw = messages[i].content;
  std::string content = raw;
  std::string reasoning;
  if (raw.find("</think>") != std::string::npos) {
    content = py_lstrip_chars(after_last(raw, "</think>"), "\n");
    std::string before = py_rstrip_chars(before_first(raw, "</think>"), "\n");
    reasoning = py_lstrip_chars(after_last(before, "<think>"), "\n");
  }
  const bool last = i + 1 == messages.size();
  std::string out;
  if (i > last_query && (last || !reasoning.empty())) {
    out = "<|im_start|>assistant\n<think>\n" + py_strip_chars(reasoning, "\n") + "\n</think>\n\n" +
          py_lstrip_chars(content, "\n");
  } else {
    out = "<|im_start|>assistant\n" + content;
  }
  return out + "<|im_end|>\n";
}

}  // namespace

std::string render_qwen3(const Messages& messages, bool add_generation_prompt,
                         const SpecialTokens&) {
  if (messages.empty()) empty_conversation_error("qwen3");
  std::string out;
  if (messages[0].role == "system")
    out += "<|im_start|>system\n" + messages[0].content + "<|im_end|>\n";
  const size_t last_query = last_query_index(messages);
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    if (m.role == "user" || (m.role == "system" && i != 0)) {
      out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    } else if (m.role == "assistant") {
      out += assistant_turn(messages, i, last_query);
    } else if (m.role == "tool") {
      append_qwen_tool_response(messages, i, out);
    }
    // Any other role is dropped, as in the template.
  }
  if (add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

}  // namespace regenesis::chat_detail
