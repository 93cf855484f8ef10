#pragma once
// The evaluation prompts as data (prompts/eval, README there): a template per benchmark, per
// answer type, or the default, filled with the question. Built in (compiled from prompts/eval)
// or read from a user directory with the same file names.
#include <filesystem>
#include <map>
#include <string>

#include "data/question.h"

namespace regenesis {

class EvalPrompts {
 public:
  static EvalPrompts builtin();
  // Reads default.txt (required), TYPE.txt and bench/NAME.txt (optional) from `dir`.
  static EvalPrompts load_directory(const std::filesystem::path& dir);

  // The user message for `question` of benchmark `bench`.
  std::string render(const std::string& bench, const Question& question) const;
  // The template that render() uses for this benchmark and answer type.
  const std::string& template_for(const std::string& bench, AnswerType type) const;

  const std::string& source() const { return source_; }
  // Every template by file name ("default.txt", "choice.txt", "bench/gsm8k.txt"), for the record
  // of what an evaluation used.
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::string source_;
  std::map<std::string, std::string> files_;
};


}  // namespace regenesis
