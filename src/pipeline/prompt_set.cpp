#include "pipeline/prompt_set.h"

#include <algorithm>
#include <functional>
#include <set>

#include "pipeline/embedded_prompts.h"
#include "pipeline/hashing.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

const std::set<std::string> kKnownPlaceholders = {
    "question", "guidelines_numbered", "guidelines", "selected", "adapted",
    "structure", "answer", "path"};

struct TemplateRule {
  const char* file;
  std::string PromptSet::*field;
  std::vector<std::string> required;
  std::vector<std::string> allowed;  // besides the required ones
};

const std::vector<TemplateRule>& template_rules() {
  static const std::vector<TemplateRule> rules = {
      {"system.txt", &PromptSet::system, {}, {}},
      {"select.txt", &PromptSet::select, {"question"}, {"guidelines_numbered", "guidelines"}},
      {"adapt.txt", &PromptSet::adapt, {"selected", "question"}, {}},
      {"implement.txt", &PromptSet::implement, {"adapted", "question"}, {"selected"}},
      {"execute.txt", &PromptSet::execute, {"structure", "question"}, {"selected", "adapted"}},
      {"hint_select.txt", &PromptSet::hint_select, {"question"},
       {"guidelines_numbered", "guidelines", "answer"}},
      {"hint_adapt.txt", &PromptSet::hint_adapt, {"selected", "question"}, {"answer"}},
      {"hint_implement.txt", &PromptSet::hint_implement, {"adapted", "question"},
       {"answer", "selected"}},
      {"hint_execute.txt", &PromptSet::hint_execute, {"structure", "question"},
       {"answer", "selected", "adapted"}},
      {"self_judge.txt", &PromptSet::self_judge, {"path"}, {"question", "answer"}},
      {"train_prompt.txt", &PromptSet::train_prompt, {"question"}, {}},
  };
  return rules;
}

// The placeholder names a template uses (only known names count).
std::set<std::string> placeholders_in(std::string_view templ) {
  std::set<std::string> names;
  for (size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] != '{') continue;
    size_t close = templ.find('}', i + 1);
    if (close == std::string_view::npos) break;
    std::string name(templ.substr(i + 1, close - i - 1));
    if (kKnownPlaceholders.count(name)) names.insert(name);
  }
  return names;
}

std::string strip_one_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::vector<std::string> parse_guidelines(const std::string& text, const std::string& source) {
  std::vector<std::string> lines;
  std::string body = strip_one_newline(text);
  if (body.empty()) fail(source, ": no guidelines");
  size_t start = 0;
  long line_number = 1;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) fail_at(source, line_number, "empty line in a guideline list");
    lines.push_back(line);
    start = end + 1;
    ++line_number;
  }
  return lines;
}

// Reads every file of the set through `read` ("select.txt" -> bytes) and validates it.
PromptSet build(const std::string& source, const std::function<std::string(const std::string&)>& read) {
  PromptSet set;
  set.source = source;
  set.seed_guidelines = parse_guidelines(read("seed_guidelines.txt"), source + "/seed_guidelines.txt");
  set.hint_guidelines = parse_guidelines(read("hint_guidelines.txt"), source + "/hint_guidelines.txt");
  for (const auto& rule : template_rules()) {
    std::string templ = strip_one_newline(read(rule.file));
    std::string where = source + "/" + rule.file;
    auto used = placeholders_in(templ);
    for (const auto& name : rule.required)
      if (!used.count(name)) fail(where, ": the template needs the placeholder {", name, "}");
    for (const auto& name : used) {
      bool ok = std::find(rule.required.begin(), rule.required.end(), name) != rule.required.end() ||
                std::find(rule.allowed.begin(), rule.allowed.end(), name) != rule.allowed.end();
      if (!ok) fail(where, ": placeholder {", name, "} has no value at this stage");
    }
    set.*rule.field = std::move(templ);
  }
  return set;
}

}  // namespace

PromptSet PromptSet::builtin(const std::string& name) {
  std::size_t count = 0;
  const EmbeddedFile* files = embedded_prompt_files(&count);
  auto read = [&](const std::string& file) {
    std::string wanted = name + "/" + file;
    for (std::size_t i = 0; i < count; ++i)
      if (wanted == files[i].path)
        return std::string(reinterpret_cast<const char*>(files[i].data), files[i].size);
    fail("built-in prompt set '", name, "' has no file ", file);
  };
  return build("built-in:" + name, read);
}

PromptSet PromptSet::load_directory(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    fail(dir.string(), ": prompt directory not found (synthesis.prompts)");
  return build(dir.string(), [&](const std::string& file) {
    auto path = dir / file;
    if (!std::filesystem::exists(path))
      fail(path.string(), ": missing from the prompt directory (see prompts/README.md)");
    return read_file(path);
  });
}

std::string PromptSet::fingerprint() const {
  std::string all;
  auto add = [&](const std::string& s) {
    all += std::to_string(s.size());
    all += ':';
    all += s;
  };
  for (const auto& g : seed_guidelines) add(g);
  all += '|';
  for (const auto& g : hint_guidelines) add(g);
  for (const auto& rule : template_rules()) add(this->*rule.field);
  return hash_hex(all);
}

std::string fill_template(std::string_view templ, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(templ.size() + 256);
  size_t i = 0;
  while (i < templ.size()) {
    if (templ[i] == '{') {
      size_t close = templ.find('}', i + 1);
      if (close != std::string_view::npos) {
        auto it = values.find(std::string(templ.substr(i + 1, close - i - 1)));
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

std::string replace_box_placeholder(std::string text) {
  static const std::string placeholder = "<---box--->";
  static const std::string box = "\\boxed{Your Answer}";
  size_t pos = 0;
  while ((pos = text.find(placeholder, pos)) != std::string::npos) {
    text.replace(pos, placeholder.size(), box);
    pos += box.size();
  }
  return text;
}

std::string numbered_guidelines(const std::vector<std::string>& guidelines) {
  std::string out;
  for (size_t i = 0; i < guidelines.size(); ++i) {
    if (i) out += '\n';
    out += std::to_string(i) + ". " + guidelines[i];
  }
  return out;
}

std::string plain_guidelines(const std::vector<std::string>& guidelines) {
  std::string out;
  for (size_t i = 0; i < guidelines.size(); ++i) {
    if (i) out += '\n';
    out += guidelines[i];
  }
  return out;
}

}  // namespace regenesis
