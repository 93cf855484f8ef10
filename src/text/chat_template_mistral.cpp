// mistral-common's golden chat templates (tests/data/chat_templates/{v1_spm,v2_spm,v3_spm,v3,
// v7_spm}.jinja). They share three passes: pull out system messages (all but v7), merge
// consecutive messages of the same role, check the role order; then each version renders turns
// with its own spacing. Messages carry no tool calls or call ids here, so a tool turn that gets
// past the order check always reaches the template's "missing id/name" error.
#include <optional>

#include "text/chat_template_family.h"
#include "util/strings.h"

namespace regenesis::chat_detail {
namespace {

enum class Version { V1, V2, V3, V3Tekken, V7 };

const char* family_name(Version v) {
  switch (v) {
    case Version::V1: return "mistral-v1";
    case Version::V2: return "mistral-v2";
    case Version::V3: return "mistral-v3";
    case Version::V3Tekken: return "mistral-v3-tekken";
    case Version::V7: return "mistral-v7";
  }
  return "";
}

// The aggregation loop, transcribed with its sentinel: a change of role (or any system or tool
// message) flushes the group, whose contents are joined with "\n\n"; tool groups are kept as is.
Messages aggregate(const Messages& messages) {
  const std::string sentinel = "__sentinel__";
  Messages out;
  Messages group;
  std::optional<std::string> current_role;
  Messages with_sentinel = messages;
  with_sentinel.push_back({sentinel, ""});
  for (const ChatMessage& message : with_sentinel) {
    if (message.role != current_role || message.role == "system" || message.role == "tool") {
      if (current_role == "tool") {
        out.insert(out.end(), group.begin(), group.end());
      } else if (current_role) {
        std::vector<std::string> parts;
        for (const ChatMessage& m : group) parts.push_back(m.content);
        out.push_back({*current_role, join(parts, "\n\n")});
      }
      if (message.role != sentinel) {
        group = {message};
        current_role = message.role;
      }
    } else {
      group.push_back(message);
    }
  }
  return out;
}

bool one_of(const std::string& role, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (role == a) return true;
  return false;
}

// Which roles may follow which: each version's ns_order checks.
void check_order(Version v, const Messages& loop) {
  const char* name = family_name(v);
  if (!loop.empty()) {
    const std::string& first = loop[0].role;
    if (v == Version::V7 && !one_of(first, {"user", "system"}))
      template_error(name, "Conversation must start with a user or system message, got " + first + ".");
    if (v != Version::V7 && first != "user")
      template_error(name, "Conversation must start with a user message, got " + first + ".");
  }
  for (size_t i = 1; i < loop.size(); ++i) {
    const std::string& previous = loop[i - 1].role;
    const std::string& current = loop[i].role;
    bool ok = true;
    if (previous == "system" && v == Version::V7) {
      ok = one_of(current, {"user", "assistant", "system"});
    } else if (previous == "user") {
      ok = v == Version::V7 ? one_of(current, {"assistant", "system", "user"})
                            : one_of(current, {"assistant", "user"});
    } else if (previous == "assistant") {
      ok = v == Version::V1 ? one_of(current, {"assistant", "user"})
                            : one_of(current, {"assistant", "user", "tool"});
    } else if (previous == "tool" && v != Version::V1) {
      ok = one_of(current, {"assistant", "tool", "user"});
    }
    if (!ok)
      template_error(name, "Unexpected role '" + current + "' after role '" + previous + "'");
  }
}

constexpr const char* kToolIdError =
    "Tool message must have a call_id or tool_call_id of 9 characters or numbers.";
constexpr const char* kAssistantError =
    "Assistant message must have a string or a list of chunks in content or a list of tool calls.";

// v1_spm: " [INST] " turns; the merged system prompt goes into the first user turn.
std::string render_v1(const Messages& loop, const std::string& system_message,
                      const SpecialTokens& tokens) {
  const char* name = family_name(Version::V1);
  std::string out = tokens.bos;
  for (size_t i = 0; i < loop.size(); ++i) {
    const ChatMessage& message = loop[i];
    if (message.role == "user") {
      out += " [INST] ";
      if (i == 0 && !system_message.empty()) out += system_message + "\n\n";
      out += message.content + " [/INST]";
      if (i + 1 < loop.size()) out += " ";
    } else if (message.role == "assistant") {
      if (message.content.empty()) template_error(name, "Assistant message content must be non-empty.");
      out += message.content + tokens.eos;
    } else {
      template_error(name, "Only user and assistant roles are supported, got " + message.role + ".");
    }
  }
  return out;
}

// v2_spm, v3_spm, v3 (tekken) and v7_spm: the system prompt (v2/v3) goes into the last user
// turn; an assistant turn after a user turn gets a leading space in the _spm versions.
std::string render_v2_to_v7(Version v, const Messages& loop, const std::string& system_message,
                            const SpecialTokens& tokens) {
  const char* name = family_name(v);
  const bool spaced = v != Version::V3Tekken;
  long max_idx_user = -1;
  for (const ChatMessage& m : loop)
    if (m.role == "user") ++max_idx_user;
  long index = 0;
  bool add_space = false;
  std::string out = tokens.bos;
  for (size_t i = 0; i < loop.size(); ++i) {
    const ChatMessage& message = loop[i];
    if (message.role == "user") {
      out += spaced ? "[INST] " : "[INST]";
      if (v != Version::V7 && index == max_idx_user && !system_message.empty())
        out += system_message + "\n\n";
      out += message.content + "[/INST]";
      if (spaced && i + 1 < loop.size()) add_space = true;
    } else if (message.role == "assistant") {
      if (message.content.empty()) template_error(name, kAssistantError);
      if (add_space) out += " ";
      add_space = false;
      out += message.content + tokens.eos;
    } else if (message.role == "tool") {
      // v2 renders tool results only after the last user turn; earlier ones vanish.
      if (v == Version::V2 && index <= max_idx_user) continue;
      template_error(name, v == Version::V2 ? "Tool message must have a name." : kToolIdError);
    } else if (message.role == "system" && v == Version::V7) {
      out += "[SYSTEM_PROMPT] " + message.content + "[/SYSTEM_PROMPT]";
    } else {
      template_error(name, std::string(v == Version::V7 ? "Only user, assistant, system and tool"
                                                        : "Only user, assistant and tool") +
                               " roles are supported, got " + message.role + ".");
    }
    if (message.role == "user") ++index;
  }
  return out;
}

std::string render_version(Version v, const Messages& messages, const SpecialTokens& tokens) {
  Messages loop;
  std::string system_message;
  if (v == Version::V7) {
    // `messages[0]['role'] != 'system'` is evaluated before anything else.
    if (messages.empty()) empty_conversation_error(family_name(v));
    loop = messages;
  } else {
    std::vector<std::string> system_parts;
    for (const ChatMessage& m : messages) {
      if (m.role == "system") system_parts.push_back(m.content);
      else loop.push_back(m);
    }
    system_message = join(system_parts, "\n\n");
  }
  loop = aggregate(loop);
  check_order(v, loop);
  return v == Version::V1 ? render_v1(loop, system_message, tokens)
                          : render_v2_to_v7(v, loop, system_message, tokens);
}

}  // namespace

// None of these templates reads add_generation_prompt: the prompt ends at [/INST] either way.
std::string render_mistral_v1(const Messages& m, bool, const SpecialTokens& t) {
  return render_version(Version::V1, m, t);
}
std::string render_mistral_v2(const Messages& m, bool, const SpecialTokens& t) {
  return render_version(Version::V2, m, t);
}
std::string render_mistral_v3(const Messages& m, bool, const SpecialTokens& t) {
  return render_version(Version::V3, m, t);
}
std::string render_mistral_v3_tekken(const Messages& m, bool, const SpecialTokens& t) {
  return render_version(Version::V3Tekken, m, t);
}
std::string render_mistral_v7(const Messages& m, bool, const SpecialTokens& t) {
  return render_version(Version::V7, m, t);
}

}  // namespace regenesis::chat_detail
