// Fuzzes chat-template detection and rendering (text/chat_template.h). The first byte picks:
//   0  detect_family(rest): the Jinja source normaliser and markers
//   1  rest = tokenizer_config.json \0 messages: ChatTemplate::for_model on a directory
//   2  rest = chat_template.jinja \0 tokenizer_config.json \0 messages: the same, .jinja wins
//   3  rest = messages, rendered with every family by name
// Messages are records separated by \x1e; a record's first byte picks the role (system, user,
// assistant, tool, or, for \x1f, a made-up role up to the next \x1f), the rest is the content.
#include <vector>

#include "fuzz_support.h"
#include "text/chat_template.h"
#include "util/error.h"

using namespace regenesis;

namespace {

std::vector<ChatMessage> parse_messages(std::string_view text) {
  static const char* const kRoles[] = {"system", "user", "assistant", "tool"};
  std::vector<ChatMessage> messages;
  while (!text.empty() && messages.size() < 64) {
    auto [record, more] = fuzz::split_once(text, "\x1e");
    text = more;
    if (record.empty()) continue;
    ChatMessage message;
    if (record[0] == '\x1f') {
      auto [role, content] = fuzz::split_once(record.substr(1), "\x1f");
      message.role = std::string(role);
      message.content = std::string(content);
    } else {
      message.role = kRoles[static_cast<unsigned char>(record[0]) % 4];
      message.content = std::string(record.substr(1));
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

void render_both_ways(const ChatTemplate& chat, const std::vector<ChatMessage>& messages) {
  for (bool add_generation_prompt : {true, false}) {
    try {
      std::string once = chat.render(messages, add_generation_prompt);
      fuzz::require(once == chat.render(messages, add_generation_prompt),
                    "render of " + chat.name() + " is not deterministic");
    } catch (const Error&) {  // the template's own raise_exception
    }
  }
}

void write_or_remove(const std::filesystem::path& path, std::string_view content, bool present) {
  if (present) fuzz::write_scratch(path, content);
  else std::filesystem::remove(path);
}

void for_model(std::string_view jinja, bool with_jinja, std::string_view config,
               std::string_view messages) {
  const auto dir = fuzz::scratch_dir();
  write_or_remove(dir / "chat_template.jinja", jinja, with_jinja);
  write_or_remove(dir / "tokenizer_config.json", config, true);
  try {
    ChatTemplate chat = ChatTemplate::for_model(dir);
    render_both_ways(chat, parse_messages(messages));
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const std::string_view nul("\0", 1);
  switch (data[0] % 4) {
    case 0: {
      auto family = ChatTemplate::detect_family(std::string(rest));
      if (family) fuzz::require(ChatTemplate::named(*family).name() == *family,
                                "detected family '" + *family + "' has no template");
      break;
    }
    case 1: {
      auto [config, messages] = fuzz::split_once(rest, nul);
      for_model({}, false, config, messages);
      break;
    }
    case 2: {
      auto [jinja, tail] = fuzz::split_once(rest, nul);
      auto [config, messages] = fuzz::split_once(tail, nul);
      for_model(jinja, true, config, messages);
      break;
    }
    case 3: {
      const auto messages = parse_messages(rest);
      for (const std::string& name : ChatTemplate::names())
        render_both_ways(ChatTemplate::named(name, "<s>", "</s>"), messages);
      break;
    }
  }
  return 0;
}
