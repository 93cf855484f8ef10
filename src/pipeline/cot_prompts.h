#pragma once
// The prompts of the chain-of-thought baselines (STaR, LMSI, RFT) as data: the user-turn
// templates and the worked examples for few-shot prompting, from the built-in set
// (prompts/cot, compiled in) or a user directory with the same layout (prompts/README.md).
//
//   system.txt          the system message
//   question.txt        user turn, {question}
//   hint_question.txt   user turn of STaR's rationalization, {question} and {answer}
//   fewshot/NAME.jsonl  worked examples {"question", "rationale", "answer"[, "answer_type"]};
//                       NAME is a task ("gsm8k") or an answer type ("number", "choice", ...)
//
// A few-shot prompt is the system message, then per example a user turn (the question filled
// into the template) and an assistant turn (the rationale), then the question's user turn.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/records.h"
#include "text/chat_message.h"

namespace regenesis {

struct WorkedExample {
  std::string question;
  std::string rationale;  // ends with the boxed answer
  std::string answer;
};

struct CotPromptSet {
  std::string source;  // "built-in:cot" or the directory
  std::string system;
  std::string question;       // {question}
  std::string hint_question;  // {question}, {answer}
  // File stem (task or answer type) -> its examples, checked at load: each rationale's
  // extracted answer equals its "answer".
  std::map<std::string, std::vector<WorkedExample>> fewshot;
  std::string fewshot_source;

  // `fewshot_dir`: "" keeps the set's own examples; else a directory of NAME.jsonl files
  // replacing them.
  static CotPromptSet builtin(const std::filesystem::path& fewshot_dir = {});
  static CotPromptSet load_directory(const std::filesystem::path& dir,
                                     const std::filesystem::path& fewshot_dir = {});

  // The examples for a question: fewshot/<task>.jsonl, else fewshot/<answer_type>.jsonl;
  // nullptr when neither exists.
  const std::vector<WorkedExample>* examples_for(const QuestionRow& question) const;

  // The turns before the question: `shots` examples (-1: all) as user/assistant pairs; with
  // `hint`, each example's user turn carries its answer as the hint, as STaR's rationalization
  // prompts do. Error when the question has no examples and shots != 0.
  std::vector<ChatMessage> history(const QuestionRow& question, int shots, bool hint) const;
  std::string user_turn(const QuestionRow& question, bool hint) const;

  // Hash of every byte that can reach the model.
  std::string fingerprint() const;
};

}  // namespace regenesis
