#include "pipeline/path_rewrite.h"

#include "pipeline/paper_match.h"
#include "text/unicode_utf8.h"

namespace regenesis {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "N." as a list marker: not part of a longer number, a decimal or an amount.
bool has_list_marker(std::string_view text, char n) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != n || text[i + 1] != '.') continue;
    if (i > 0) {
      char before = text[i - 1];
      if (is_digit(before) || before == '.' || before == ',' || before == '$') continue;
    }
    if (i + 2 < text.size() && is_digit(text[i + 2])) continue;
    return true;
  }
  return false;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  size_t pos = 0;
  bool in_space = false;
  while (pos < text.size()) {
    size_t start = pos;
    char32_t cp = unicode::next_codepoint(text, pos);
    if (paper::is_python_space(cp)) {
      if (!in_space) out += ' ';
      in_space = true;
    } else {
      out.append(text.substr(start, pos - start));
      in_space = false;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> split_paragraphs(std::string_view path) {
  std::vector<std::string> paragraphs;
  size_t start = 0;
  while (true) {
    size_t end = path.find("\n\n", start);
    std::string_view piece = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::string stripped = paper::python_strip(piece);
    if (!stripped.empty()) paragraphs.push_back(collapse_whitespace(stripped));
    if (end == std::string_view::npos) break;
    start = end + 2;
  }
  return paragraphs;
}

std::optional<size_t> find_step_start(const std::vector<std::string>& paragraphs, bool list_markers) {
  std::optional<size_t> found;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (list_markers) {
      if (!has_list_marker(paragraphs[i], '1')) continue;
      for (size_t j = i; j < paragraphs.size(); ++j) {
        if (has_list_marker(paragraphs[j], '2')) {
          found = i;
          break;
        }
      }
    } else {
      if (paragraphs[i].find("1.") == std::string::npos) continue;
      std::string rest;
      for (size_t j = i; j < paragraphs.size(); ++j) rest += paragraphs[j];
      if (rest.find("2.") != std::string::npos) found = i;
    }
  }
  return found;
}

std::optional<std::string> rewrite_path(std::string_view path, const RewriteOptions& options) {
  auto paragraphs = split_paragraphs(path);
  if (paragraphs.empty()) return std::nullopt;
  auto start = find_step_start(paragraphs, options.list_markers);
  if (!start) return std::nullopt;
  if (*start == 0 && options.drop_first_paragraph_steps) return std::nullopt;
  std::string out = options.prefix;
  for (size_t i = *start; i < paragraphs.size(); ++i) {
    if (i > *start) out += "\n\n";
    out += paragraphs[i];
  }
  return out;
}

}  // namespace regenesis
