#include "pipeline/cot_prompts.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "pipeline/embedded_prompts.h"
#include "pipeline/hashing.h"
#include "pipeline/prompt_set.h"
#include "pipeline/stage_plan.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

// A directory's files: name -> bytes (nullopt when absent), and the names under "fewshot/".
struct FileSource {
  std::string name;
  std::function<std::optional<std::string>(const std::string&)> read;
  std::function<std::vector<std::string>()> fewshot_files;  // stems, sorted
  std::string fewshot_dir;  // where the examples are, for messages
};

std::string strip_one_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string required_template(const FileSource& files, const std::string& file,
                              const std::vector<std::string>& placeholders) {
  auto text = files.read(file);
  std::string where = files.name + "/" + file;
  if (!text) fail(where, ": missing from the prompt directory (see prompts/README.md)");
  std::string templ = strip_one_newline(*text);
  for (const auto& name : placeholders)
    if (templ.find("{" + name + "}") == std::string::npos)
      fail(where, ": the template needs the placeholder {", name, "}");
  return templ;
}

std::vector<WorkedExample> parse_examples(const std::string& text, const std::string& source,
                                          const std::string& stem) {
  std::vector<WorkedExample> examples;
  long line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = source + ":" + std::to_string(line_number);
    Json object = parse_json(line, where);
    if (!object.is_object()) fail_at(source, line_number, "each line must be a JSON object");
    WorkedExample e;
    e.question = require_string(object, "question", where);
    e.rationale = require_string(object, "rationale", where);
    e.answer = require_string(object, "answer", where);
    // The answer type: the field, else the file's stem when that names a type.
    std::string type_name = optional_string(object, "answer_type", where).value_or(stem);
    auto type = parse_answer_type(type_name);
    if (!type)
      fail_at(source, line_number,
              "field 'answer_type' is needed (the file name '" + stem + "' is not an answer type)");
    // An example that does not lead to its own answer would teach the wrong format.
    Verdict verdict = grade_completion(e.rationale, e.answer, *type);
    if (!verdict.correct)
      fail_at(source, line_number,
              "the rationale's final answer (" +
                  (verdict.extracted ? "\"" + verdict.extracted->text + "\"" : std::string("none found")) +
                  ") does not match \"answer\" (\"" + e.answer + "\")");
    examples.push_back(std::move(e));
  }
  if (examples.empty()) fail(source, ": no worked examples");
  return examples;
}

std::map<std::string, std::vector<WorkedExample>> load_fewshot(const FileSource& files) {
  std::map<std::string, std::vector<WorkedExample>> out;
  for (const auto& stem : files.fewshot_files()) {
    std::string file = "fewshot/" + stem + ".jsonl";
    out[stem] = parse_examples(*files.read(file), files.fewshot_dir + "/" + stem + ".jsonl", stem);
  }
  return out;
}

CotPromptSet build(const FileSource& files, const std::optional<FileSource>& fewshot_files) {
  CotPromptSet set;
  set.source = files.name;
  set.system = required_template(files, "system.txt", {});
  set.question = required_template(files, "question.txt", {"question"});
  set.hint_question = required_template(files, "hint_question.txt", {"question", "answer"});
  const FileSource& examples = fewshot_files ? *fewshot_files : files;
  set.fewshot = load_fewshot(examples);
  set.fewshot_source = examples.fewshot_dir;
  return set;
}

FileSource embedded_source(const std::string& prefix) {
  FileSource files;
  files.name = "built-in:" + prefix;
  files.fewshot_dir = files.name + "/fewshot";
  files.read = [prefix](const std::string& file) -> std::optional<std::string> {
    std::size_t count = 0;
    const EmbeddedFile* all = embedded_prompt_files(&count);
    std::string wanted = prefix + "/" + file;
    for (std::size_t i = 0; i < count; ++i)
      if (wanted == all[i].path) return std::string(reinterpret_cast<const char*>(all[i].data), all[i].size);
    return std::nullopt;
  };
  files.fewshot_files = [prefix] {
    std::size_t count = 0;
    const EmbeddedFile* all = embedded_prompt_files(&count);
    std::string dir = prefix + "/fewshot/";
    std::vector<std::string> stems;
    for (std::size_t i = 0; i < count; ++i) {
      std::string path = all[i].path;
      if (path.rfind(dir, 0) == 0 && path.size() > dir.size() + 6 &&
          path.compare(path.size() - 6, 6, ".jsonl") == 0)
        stems.push_back(path.substr(dir.size(), path.size() - dir.size() - 6));
    }
    std::sort(stems.begin(), stems.end());
    return stems;
  };
  return files;
}

// `fewshot_root`: the directory whose fewshot/ subdirectory holds the examples, or (for
// synthesis.fewshot) the directory of NAME.jsonl files itself.
FileSource directory_source(const std::filesystem::path& dir, bool examples_in_root) {
  if (!std::filesystem::is_directory(dir)) fail(dir.string(), ": prompt directory not found");
  FileSource files;
  files.name = dir.string();
  auto example_dir = examples_in_root ? dir : dir / "fewshot";
  files.fewshot_dir = example_dir.string();
  files.read = [dir, example_dir, examples_in_root](const std::string& file) -> std::optional<std::string> {
    std::filesystem::path path = dir / file;
    if (examples_in_root && file.rfind("fewshot/", 0) == 0) path = example_dir / file.substr(8);
    if (!std::filesystem::exists(path)) return std::nullopt;
    return read_file(path);
  };
  files.fewshot_files = [example_dir] {
    std::vector<std::string> stems;
    if (!std::filesystem::is_directory(example_dir)) return stems;
    for (const auto& entry : std::filesystem::directory_iterator(example_dir))
      if (entry.is_regular_file() && entry.path().extension() == ".jsonl")
        stems.push_back(entry.path().stem().string());
    std::sort(stems.begin(), stems.end());
    return stems;
  };
  return files;
}

std::optional<FileSource> fewshot_override(const std::filesystem::path& fewshot_dir) {
  if (fewshot_dir.empty()) return std::nullopt;
  if (!std::filesystem::is_directory(fewshot_dir))
    fail("synthesis.fewshot: ", fewshot_dir.string(), ": directory not found");
  auto source = directory_source(fewshot_dir, true);
  if (source.fewshot_files().empty())
    fail("synthesis.fewshot: ", fewshot_dir.string(), ": no NAME.jsonl files of worked examples");
  return source;
}

}  // namespace

CotPromptSet CotPromptSet::builtin(const std::filesystem::path& fewshot_dir) {
  return build(embedded_source("cot"), fewshot_override(fewshot_dir));
}

CotPromptSet CotPromptSet::load_directory(const std::filesystem::path& dir,
                                          const std::filesystem::path& fewshot_dir) {
  return build(directory_source(dir, false), fewshot_override(fewshot_dir));
}

const std::vector<WorkedExample>* CotPromptSet::examples_for(const QuestionRow& question) const {
  for (const std::string& key : {question.task, question.answer_type}) {
    auto it = fewshot.find(key);
    if (it != fewshot.end()) return &it->second;
  }
  return nullptr;
}

std::vector<ChatMessage> CotPromptSet::history(const QuestionRow& q, int shots, bool hint) const {
  std::vector<ChatMessage> turns;
  if (shots == 0) return turns;
  const auto* examples = examples_for(q);
  if (!examples)
    fail("no worked examples for question ", q.id, " (task '", q.task, "', answer type '",
         q.answer_type, "'): add ", fewshot_source, "/", q.task, ".jsonl or ", q.answer_type,
         ".jsonl, or set synthesis.shots = 0");
  size_t n = shots < 0 ? examples->size() : std::min(examples->size(), static_cast<size_t>(shots));
  for (size_t i = 0; i < n; ++i) {
    const WorkedExample& e = (*examples)[i];
    std::map<std::string, std::string> values = {{"question", e.question}, {"answer", e.answer}};
    turns.push_back({"user", fill_template(hint ? hint_question : question, values)});
    turns.push_back({"assistant", e.rationale});
  }
  return turns;
}

std::string CotPromptSet::user_turn(const QuestionRow& q, bool hint) const {
  if (!hint) return fill_template(question, {{"question", q.question}});
  return fill_template(hint_question, {{"question", q.question}, {"answer", hint_answer(q)}});
}

std::string CotPromptSet::fingerprint() const {
  std::string all;
  auto add = [&](const std::string& s) {
    all += std::to_string(s.size());
    all += ':';
    all += s;
  };
  add(system);
  add(question);
  add(hint_question);
  for (const auto& [name, examples] : fewshot) {
    add(name);
    for (const auto& e : examples) {
      add(e.question);
      add(e.rationale);
      add(e.answer);
    }
  }
  return hash_hex(all);
}

}  // namespace regenesis
