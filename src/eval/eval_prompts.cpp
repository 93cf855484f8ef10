#include "eval/eval_prompts.h"

#include <cstddef>

#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {

// Defined by the source cmake/EmbedFiles.cmake generates from prompts/eval (see CMakeLists.txt).
// The struct matches the generator's definition token for token.
struct EmbeddedFile { const char* path; const unsigned char* data; std::size_t size; };
const EmbeddedFile* embedded_eval_prompt_files(std::size_t* count);

namespace {

const char* kTypeNames[] = {"number", "choice", "yesno", "math", "text"};

// A template file's bytes minus one trailing newline (prompts/README.md), so an editor's final
// newline changes nothing.
std::string strip_final_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool is_template_name(const std::string& name) {
  if (name == "default.txt") return true;
  for (const char* type : kTypeNames)
    if (name == std::string(type) + ".txt") return true;
  return name.rfind("bench/", 0) == 0 && name.size() > 10 && name.substr(name.size() - 4) == ".txt";
}

// One pass over the template: inserted text is never searched again, unknown braces stay.
std::string fill(const std::string& templ, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(templ.size() + 256);
  size_t i = 0;
  while (i < templ.size()) {
    if (templ[i] == '{') {
      size_t close = templ.find('}', i + 1);
      if (close != std::string::npos) {
        auto it = values.find(templ.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += templ[i++];
  }
  return out;
}

}  // namespace

EvalPrompts EvalPrompts::builtin() {
  EvalPrompts prompts;
  prompts.source_ = "built-in:eval";
  std::size_t count = 0;
  const EmbeddedFile* files = embedded_eval_prompt_files(&count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = files[i].path;
    if (!is_template_name(name)) continue;
    prompts.files_[name] = strip_final_newline(
        std::string(reinterpret_cast<const char*>(files[i].data), files[i].size));
  }
  if (!prompts.files_.count("default.txt")) fail("built-in evaluation prompts lack default.txt");
  return prompts;
}

EvalPrompts EvalPrompts::load_directory(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) fail(dir.string(), ": prompt directory not found (--prompts)");
  if (!std::filesystem::exists(dir / "default.txt"))
    fail(dir.string(), ": has no default.txt (see prompts/eval/README.md)");
  EvalPrompts prompts;
  prompts.source_ = std::filesystem::absolute(dir).string();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string name = std::filesystem::relative(entry.path(), dir).generic_string();
    if (is_template_name(name)) prompts.files_[name] = strip_final_newline(read_file(entry.path()));
  }
  return prompts;
}

const std::string& EvalPrompts::template_for(const std::string& bench, AnswerType type) const {
  // "gsm8k:train" may have its own file or share gsm8k's.
  const std::string base = bench.substr(0, bench.find(':'));
  for (const std::string& name : {"bench/" + bench + ".txt", "bench/" + base + ".txt",
                                  std::string(answer_type_name(type)) + ".txt", std::string("default.txt")}) {
    auto it = files_.find(name);
    if (it != files_.end()) return it->second;
  }
  fail("evaluation prompts ", source_, " have no default.txt");
}

std::string EvalPrompts::render(const std::string& bench, const Question& question) const {
  const std::string choices =
      question.answer_type == AnswerType::Choice ? join(question.choices, "\n") : "";
  return fill(template_for(bench, question.answer_type),
              {{"question", question.question}, {"options", options_suffix(question)}, {"choices", choices}});
}

}  // namespace regenesis
