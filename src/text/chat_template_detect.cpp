// Recognising a template family from its Jinja source. Fine-tunes often reformat or lightly
// edit a template, so markers are matched on a normalised source rather than the raw text.
#include <string_view>

#include "text/chat_template.h"
#include "util/strings.h"

namespace regenesis {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Reads the string literal starting at src[pos] (a quote) and returns its value; pos ends past
// the closing quote.
std::string read_literal(std::string_view src, size_t& pos) {
  const char quote = src[pos++];
  std::string value;
  while (pos < src.size() && src[pos] != quote) {
    char c = src[pos++];
    if (c == '\\' && pos < src.size()) {
      char e = src[pos++];
      value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
    } else {
      value += c;
    }
  }
  ++pos;  // closing quote
  return value;
}

// The literal written back with single quotes and \n, \t, \r, \\, \' escapes.
std::string requote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\\' || c == '\'') out += std::string("\\") + c;
    else out += c;
  }
  return out + "'";
}

// Whitespace dropped everywhere except inside string literals, comments dropped, the
// whitespace-control marks ({%- -%} {{- -}} and +) dropped, literals re-quoted, and
// x.role / x.content written as x['role'] / x['content'].
std::string normalise(std::string_view src) {
  std::string out;
  size_t pos = 0;
  while (pos < src.size()) {
    std::string_view rest = src.substr(pos);
    if (rest.starts_with("{#")) {
      size_t end = src.find("#}", pos + 2);
      pos = end == std::string_view::npos ? src.size() : end + 2;
      continue;
    }
    if (rest.starts_with("{{") || rest.starts_with("{%")) {
      const std::string close = rest.starts_with("{{") ? "}}" : "%}";
      out += rest.substr(0, 2);
      pos += 2;
      if (pos < src.size() && (src[pos] == '-' || src[pos] == '+')) ++pos;
      while (pos < src.size()) {
        std::string_view tail = src.substr(pos);
        if (tail.starts_with(close)) {
          pos += 2;
          break;
        }
        if ((tail[0] == '-' || tail[0] == '+') && tail.substr(1).starts_with(close)) {
          ++pos;
          continue;
        }
        if (tail[0] == '\'' || tail[0] == '"') {
          out += requote(read_literal(src, pos));
        } else {
          if (!is_space(tail[0])) out += tail[0];
          ++pos;
        }
      }
      out += close;
      continue;
    }
    if (!is_space(src[pos])) out += src[pos];
    ++pos;
  }
  for (const char* field : {"role", "content"}) {
    out = replace_all(out, std::string(".") + field + "]", std::string("['") + field + "']]");
    for (const char* after : {"+", ")", "}", "=", "!", "%", "|", " ", "."})
      out = replace_all(out, std::string(".") + field + after,
                        std::string("['") + field + "']" + after);
  }
  return out;
}

struct Rule {
  const char* family;
  std::vector<std::string> required;   // normalised markers that must all be present
  std::vector<std::string> forbidden;  // ... and none of these
};

// Most specific first. Markers are written in normalised form.
const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"qwen3", {"<|im_start|>", "reasoning_content", "'</think>'", "last_query_index"}, {}},
      {"qwen2.5",
       {"<|im_start|>", "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."},
       {}},
      {"smollm2",
       {"<|im_start|>", "You are a helpful AI assistant named SmolLM, trained by Hugging Face"},
       {}},
      {"llama3.1",
       {"<|start_header_id|>", "<|eot_id|>", "Cutting Knowledge Date: December 2023",
        "'Today Date: '+date_string"},
       {}},
      {"llama3-updated",
       {"'<|start_header_id|>'+message['role']+'<|end_header_id|>\\n\\n'+message['content']|trim+"
        "'<|eot_id|>'",
        "bos_token", "{%ifadd_generation_prompt%}"},
       {"Cutting Knowledge Date"}},
      {"llama3",
       {"'<|start_header_id|>'+message['role']+'<|end_header_id|>\\n\\n'+message['content']|trim+"
        "'<|eot_id|>'",
        "bos_token"},
       {"Cutting Knowledge Date", "add_generation_prompt"}},
      {"gemma", {"<start_of_turn>", "first_user_prefix"}, {}},
      {"gemma2", {"<start_of_turn>", "raise_exception('System role not supported')"}, {}},
      {"mistral-v7",
       {"ns_agg", "{%setdefault_system_message=''%}", "'[SYSTEM_PROMPT] '", "'[INST] '"},
       {}},
      {"mistral-v3-tekken",
       {"ns_agg", "{%setdefault_system_message=''%}", "'[INST]'", "'[TOOL_CALLS]['"},
       {"[SYSTEM_PROMPT]"}},
      {"mistral-v3",
       {"ns_agg", "{%setdefault_system_message=''%}", "'[INST] '",
        "'[TOOL_RESULTS] '+(tool_message|tojson)+'[/TOOL_RESULTS]'"},
       {"[SYSTEM_PROMPT]"}},
      {"mistral-v2",
       {"ns_agg", "{%setdefault_system_message=''%}", "'[INST] '",
        "'[TOOL_RESULTS] ['+(tool_message|tojson)+'][/TOOL_RESULTS]'"},
       {"[SYSTEM_PROMPT]"}},
      {"mistral-v1", {"ns_agg", "{%setdefault_system_message=''%}", "' [INST] '"},
       {"[SYSTEM_PROMPT]"}},
      {"mistral-hf-v0.3",
       {"After the optional system message, conversation roles must alternate",
        "'[INST] '+message['content']+'[/INST]'", "' '+message['content']|trim+eos_token"},
       {}},
  };
  return table;
}

}  // namespace

std::optional<std::string> ChatTemplate::detect_family(const std::string& jinja_source) {
  const std::string source = normalise(jinja_source);
  if (source == normalise(kChatMLJinja)) return "chatml";
  for (const Rule& rule : rules()) {
    bool match = true;
    for (const std::string& marker : rule.required)
      match = match && source.find(marker) != std::string::npos;
    for (const std::string& marker : rule.forbidden)
      match = match && source.find(marker) == std::string::npos;
    if (match) return rule.family;
  }
  return std::nullopt;
}

}  // namespace regenesis
