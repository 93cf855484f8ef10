#pragma once
// Internal to the chat template code: the table of families and their renderers. Each
// renderer transcribes one Jinja template into C++, statement by statement, so that the output
// and the errors match the template's.
#include <string>
#include <string_view>
#include <vector>

#include "text/chat_message.h"

namespace regenesis::chat_detail {

struct SpecialTokens {
  std::string bos;
  std::string eos;
};

using Messages = std::vector<ChatMessage>;
using RenderFn = std::string (*)(const Messages& messages, bool add_generation_prompt,
                                 const SpecialTokens& tokens);

struct Family {
  const char* name;
  const char* default_bos;
  const char* default_eos;
  RenderFn render;
};

const std::vector<Family>& families();
const Family* find_family(std::string_view name);

// The template's raise_exception(message), as an Error naming the family.
[[noreturn]] void template_error(std::string_view family, std::string_view message);
// What transformers' jinja2 raises for messages[0][...] on an empty conversation.
[[noreturn]] void empty_conversation_error(std::string_view family);

// Qwen2.5/Qwen3: consecutive tool messages share one user turn, each in <tool_response>.
void append_qwen_tool_response(const Messages& messages, size_t i, std::string& out);

// Renderers, one per family (chat_template_<family>.cpp).
std::string render_llama3(const Messages&, bool, const SpecialTokens&);
std::string render_llama3_updated(const Messages&, bool, const SpecialTokens&);
std::string render_llama31(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_v1(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_v2(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_v3(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_v3_tekken(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_v7(const Messages&, bool, const SpecialTokens&);
std::string render_mistral_hf_v03(const Messages&, bool, const SpecialTokens&);
std::string render_chatml(const Messages&, bool, const SpecialTokens&);
std::string render_smollm2(const Messages&, bool, const SpecialTokens&);
std::string render_qwen25(const Messages&, bool, const SpecialTokens&);
std::string render_qwen3(const Messages&, bool, const SpecialTokens&);
std::string render_gemma3(const Messages&, bool, const SpecialTokens&);
std::string render_gemma2(const Messages&, bool, const SpecialTokens&);
std::string render_paper_llama3(const Messages&, bool, const SpecialTokens&);
std::string render_paper_mistral(const Messages&, bool, const SpecialTokens&);

}  // namespace regenesis::chat_detail
