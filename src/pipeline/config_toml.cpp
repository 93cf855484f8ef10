#include "pipeline/config_toml.h"

#include <toml++/toml.h>

#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

Json convert(const toml::node& node, const std::string& key_path, const std::string& file,
             std::map<std::string, long>& key_lines, size_t depth = 0) {
  long line = static_cast<long>(node.source().begin.line);
  // toml++ bounds nested arrays and inline tables, but not dotted keys ("a.b.c..." or [a.b.c...]
  // headers), and this conversion and the JSON it makes recurse once per level.
  if (depth > limits::kJsonMaxDepth)
    fail_at(file, line, "tables nested deeper than " + std::to_string(limits::kJsonMaxDepth) + " levels");
  if (auto* table = node.as_table()) {
    Json object = Json::object();
    for (auto&& [key, value] : *table) {
      std::string child = key_path.empty() ? std::string(key.str()) : key_path + "." + std::string(key.str());
      key_lines[child] = static_cast<long>(key.source().begin.line);
      object[std::string(key.str())] = convert(value, child, file, key_lines, depth + 1);
    }
    return object;
  }
  if (auto* array = node.as_array()) {
    Json list = Json::array();
    for (size_t i = 0; i < array->size(); ++i)
      list.push_back(convert(*array->get(i), key_path + "[" + std::to_string(i) + "]", file, key_lines, depth + 1));
    return list;
  }
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_integer()) return v->get();
  if (auto v = node.as_floating_point()) return v->get();
  if (auto v = node.as_boolean()) return v->get();
  fail_at(file, line, key_path + ": dates and times are not valid config values");
}

// toml++ recurses once per level of dotted keys ("a.b.c = 1", [a.b.c]) when it builds and frees
// the tables, with no bound of its own: 400,000 levels (800 KB) overflowed the stack. So the dots
// outside strings and comments are counted first; a real run.toml has a few dozen.
constexpr size_t kMaxDots = 1024;

void check_dotted_nesting(std::string_view text, const std::string& file) {
  size_t dots = 0;
  long line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {  // a comment, to the end of the line
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      // a string: basic ("...", with escapes) or literal ('...'), each also multi-line (tripled)
      const bool basic = c == '"';
      const std::string_view quote = text.substr(i, 3) == std::string(3, c) ? text.substr(i, 3) : text.substr(i, 1);
      for (i += quote.size(); i < text.size() && text.substr(i, quote.size()) != quote; ++i) {
        if (text[i] == '\n') ++line;
        if (basic && text[i] == '\\') ++i;  // skips the escaped character, which may be a quote
      }
      i += quote.size() - 1;
    } else if (c == '.' && ++dots > kMaxDots) {
      fail_at(file, line, "more than " + std::to_string(kMaxDots) +
                              " '.' outside strings and comments: dotted keys nest too deep");
    }
  }
}

}  // namespace

Json toml_file_to_json(const std::filesystem::path& path, std::map<std::string, long>& key_lines) {
  if (!std::filesystem::exists(path)) fail(path.string(), ": config file not found");
  // read with a bound (toml::parse_file would read any size whole)
  const std::string text = read_file(path, limits::kRunConfigMaxBytes);
  check_dotted_nesting(text, path.string());
  try {
    toml::table table = toml::parse(text, path.string());
    return convert(table, "", path.string(), key_lines);
  } catch (const toml::parse_error& e) {
    fail_at(path.string(), static_cast<long>(e.source().begin.line),
            "invalid TOML: " + std::string(e.description()));
  }
}

}  // namespace regenesis
