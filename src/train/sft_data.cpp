#include "train/sft_data.h"

#include "util/error.h"
#include "util/json.h"

namespace regenesis {

namespace {

std::vector<ChatMessage> chat_messages(const Json& line) {
  const Json& list = line["messages"];
  if (!list.is_array() || list.empty()) fail("field 'messages' must be a non-empty array");
  std::vector<ChatMessage> messages;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string source = "messages[" + std::to_string(i) + "]";
    if (!list[i].is_object()) fail("field '", source, "' must be an object {role, content}");
    ChatMessage message{require_string(list[i], "role", source), require_string(list[i], "content", source)};
    if (message.role != "system" && message.role != "user" && message.role != "assistant")
      fail(source, ": role '", message.role, "' is not system, user or assistant");
    messages.push_back(std::move(message));
  }
  return messages;
}

std::vector<ChatMessage> alpaca_messages(const Json& line) {
  std::string user = require_string(line, "instruction", "alpaca example");
  const auto input = optional_string(line, "input", "alpaca example");
  if (input && !input->empty()) user += "\n\n" + *input;
  return {{"user", user}, {"assistant", require_string(line, "output", "alpaca example")}};
}

}  // namespace

std::vector<SftExample> read_sft_jsonl(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) fail(path.string(), ": no such file");
  std::vector<SftExample> examples;
  for_each_jsonl(path, [&](const Json& line, long number) {
    if (!line.is_object()) fail("expected a JSON object");
    SftExample example;
    example.line = number;
    if (line.contains("messages"))
      example.messages = chat_messages(line);
    else if (line.contains("instruction"))
      example.messages = alpaca_messages(line);
    else if (line.contains("prompt") && line.contains("completion"))
      example.messages = {{"user", require_string(line, "prompt", "example")},
                          {"assistant", require_string(line, "completion", "example")}};
    else
      fail("no known layout: expected 'messages' (chat), 'instruction'/'output' (Alpaca) or "
           "'prompt'/'completion'");
    if (example.messages.back().role != "assistant")
      fail("the conversation ends with a '", example.messages.back().role,
           "' turn; the last turn must be the assistant's (it is what the loss trains)");
    examples.push_back(std::move(example));
  });
  if (examples.empty()) fail(path.string(), ": no examples in the file");
  return examples;
}

}  // namespace regenesis
