#pragma once
// Reading a supervised fine-tuning set: JSONL, one example a line, in any of the layouts that
// `regenesis export` and common trainers write. No torch here.
//   chat:              {"messages": [{"role": "user", "content": ...}, {"role": "assistant", ...}],
//                       "meta": {...}}   (meta and other fields are ignored)
//   Alpaca:            {"instruction": ..., "input": ..., "output": ...}  -> user = instruction,
//                       plus "\n\n" + input when input is not empty; assistant = output
//   prompt/completion: {"prompt": TEXT, "completion": TEXT}  (TRL's plain prompt-completion form)
#include <filesystem>
#include <string>
#include <vector>

#include "text/chat_message.h"

namespace regenesis {

struct SftExample {
  std::vector<ChatMessage> messages;  // ends with an assistant turn
  long line = 0;                      // line in the file (1-based)
};

// Errors are "path:line: ..." for a line that is not JSON, has no known layout, has a role other
// than system/user/assistant, a non-string content, no assistant turn, or ends with a turn that is
// not the assistant's (it would carry no loss). An empty file is an Error too.
std::vector<SftExample> read_sft_jsonl(const std::filesystem::path& path);

}  // namespace regenesis
