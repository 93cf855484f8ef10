#pragma once
// One turn of a conversation, as chat templates and the OpenAI API see it.
#include <string>

namespace regenesis {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

}  // namespace regenesis
