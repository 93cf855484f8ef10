#include "text/answer_latex.h"

#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "util/strings.h"

namespace regenesis {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Replaces the control sequence \name (not followed by a letter, so \left does not eat
// \leftarrow) by `to`.
std::string replace_control(std::string s, std::string_view name, std::string_view to) {
  std::string pattern(1, '\\');
  pattern += name;
  size_t pos = 0;
  while ((pos = s.find(pattern, pos)) != std::string::npos) {
    size_t end = pos + pattern.size();
    bool letter_name = !name.empty() && is_alpha(name.back());
    if (letter_name && end < s.size() && is_alpha(s[end])) {
      pos = end;
      continue;
    }
    s.replace(pos, pattern.size(), to);
    pos += to.size();
  }
  return s;
}

// The braced or one-character argument starting at `pos` (spaces skipped): its text and the
// index just past it.
std::optional<std::pair<std::string, size_t>> read_argument(const std::string& s, size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos >= s.size()) return std::nullopt;
  if (s[pos] == '{') {
    auto close = matching_brace(s, pos);
    if (!close) return std::nullopt;
    return std::make_pair(s.substr(pos + 1, *close - pos - 1), *close + 1);
  }
  if (s[pos] == '\\' || s[pos] == '}' || s[pos] == '^' || s[pos] == '_') return std::nullopt;
  return std::make_pair(s.substr(pos, 1), pos + 1);
}

// "\frac12" -> "\frac{1}{2}", "\sqrt3" -> "\sqrt{3}" (Hendrycks' fix-ups), so that the string key
// of both spellings is the same.
std::string brace_short_arguments(std::string s) {
  for (std::string_view command : {"\\frac", "\\sqrt", "\\binom"}) {
    int arity = command == "\\sqrt" ? 1 : 2;
    size_t pos = 0;
    while ((pos = s.find(command, pos)) != std::string::npos) {
      size_t cursor = pos + command.size();
      if (cursor < s.size() && is_alpha(s[cursor])) {
        pos = cursor;
        continue;
      }
      std::string rebuilt(command);
      bool ok = true;
      for (int k = 0; k < arity && ok; ++k) {
        if (command == "\\sqrt" && cursor < s.size() && s[cursor] == '[') {
          ok = false;  // \sqrt[n]{x}: already explicit
          break;
        }
        auto arg = read_argument(s, cursor);
        if (!arg) ok = false;
        else rebuilt += "{" + arg->first + "}", cursor = arg->second;
      }
      if (ok) s.replace(pos, cursor - pos, rebuilt);
      pos += command.size();
    }
  }
  return s;
}

// Drops a trailing unit: \text{...}/\mbox{...}/\mathrm{...} at the very end (optionally squared)
// after some math, and bare trailing words after a number ("18 dollars", "5 cm").
std::string drop_trailing_units(std::string s) {
  for (bool changed = true; changed;) {
    changed = false;
    s = trim(s);
    while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ';')) {
      s.pop_back();
      s = trim(s);
      changed = true;
    }
    // a power after the unit: "cm}^2", "cm}^{3}"
    std::string core = s;
    size_t caret = core.rfind('^');
    if (caret != std::string::npos && caret > 0 && core[caret - 1] == '}') {
      std::string power = core.substr(caret + 1);
      if (power == "2" || power == "3" || power == "{2}" || power == "{3}") core = core.substr(0, caret);
    }
    if (!core.empty() && core.back() == '}') {
      for (std::string_view command : {"\\text{", "\\mbox{", "\\mathrm{", "\\textrm{"}) {
        size_t start = core.rfind(command);
        if (start == std::string::npos) continue;
        auto close = matching_brace(core, start + command.size() - 1);
        if (!close || *close != core.size() - 1) continue;
        std::string inner = core.substr(start + command.size(), *close - start - command.size());
        bool words = !trim(inner).empty();
        for (char c : inner) words = words && (is_alpha(c) || c == ' ' || c == '.' || c == '\'');
        std::string before = trim(core.substr(0, start));
        if (words && !before.empty() && (inner[0] == ' ' || is_digit(before.back()) ||
                                         before.back() == '}' || before.back() == ')' || is_alpha(before.back()))) {
          s = before;
          changed = true;
        }
        break;
      }
    }
    if (changed) continue;
    // bare words after a number or a command: "12 square feet", "4 \\pi cm"
    size_t cut = s.size();
    while (true) {
      size_t word_end = cut;
      while (word_end > 0 && s[word_end - 1] == ' ') --word_end;
      size_t word_start = word_end;
      while (word_start > 0 && (is_alpha(s[word_start - 1]) || s[word_start - 1] == '.')) --word_start;
      bool plain_word = word_end - word_start >= 2 && word_start > 0 && s[word_start - 1] == ' ' &&
                        is_alpha(s[word_start]);
      if (!plain_word) break;
      cut = word_start;
    }
    if (cut < s.size()) {
      std::string before = trim(s.substr(0, cut));
      size_t j = before.size();
      while (j > 0 && is_alpha(before[j - 1])) --j;
      bool ends_in_command = j > 0 && j < before.size() && before[j - 1] == '\\';
      if (!before.empty() && (is_digit(before.back()) || before.back() == '}' || before.back() == ')' ||
                              ends_in_command)) {
        s = before;
        changed = true;
      }
    }
  }
  return s;
}

std::string word_number(const std::string& s) {
  static const std::array<std::pair<const char*, const char*>, 29> kWords = {{
      {"zero", "0"}, {"one", "1"}, {"two", "2"}, {"three", "3"}, {"four", "4"}, {"five", "5"},
      {"six", "6"}, {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"}, {"eleven", "11"},
      {"twelve", "12"}, {"thirteen", "13"}, {"fourteen", "14"}, {"fifteen", "15"}, {"sixteen", "16"},
      {"seventeen", "17"}, {"eighteen", "18"}, {"nineteen", "19"}, {"twenty", "20"}, {"thirty", "30"},
      {"forty", "40"}, {"fifty", "50"}, {"sixty", "60"}, {"seventy", "70"}, {"eighty", "80"},
      {"ninety", "90"}, {"hundred", "100"}}};
  std::string lower = to_lower_ascii(s);
  for (const auto& [word, digits] : kWords)
    if (lower == word) return digits;
  return s;
}

}  // namespace

std::optional<size_t> matching_brace(std::string_view text, size_t open) {
  if (open >= text.size() || text[open] != '{') return std::nullopt;
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '{' || text[i + 1] == '}')) {
      ++i;
      continue;
    }
    if (text[i] == '{') ++depth;
    else if (text[i] == '}' && --depth == 0) return i;
  }
  return std::nullopt;
}

// Replaces every \name{X} by X, rescanning X (nested and re-formed commands unwrap too), in one
// pass: rebuilding the string for each command was quadratic (100 KB of \text{a} took seconds).
//
// The text still to scan is the input minus what was dropped so far: each unwrapped command's
// "\name {" and its closing '}'. Dropping a matched pair of braces leaves every other pair matched
// as before, and whether a brace is escaped depends only on the character before it (a dropped '}'
// never follows a backslash), so the braces are matched once, on the input, with a stack. A
// pattern may still straddle a dropped '}' ("\text{\te}xt{a}" -> "\text{a}" -> "a"), so the scan
// skips dropped characters (only closing braces are marked; the rest lies behind the scan).
std::string unwrap_command(std::string text, std::string_view name) {
  const std::string pattern = "\\" + std::string(name);
  if (text.find(pattern) == std::string::npos) return text;
  const size_t n = text.size();
  std::vector<size_t> close_of;  // '{' -> its '}' (as matching_brace), made on first use
  auto match_braces = [&] {
    close_of.assign(n, std::string::npos);
    std::vector<size_t> open;
    for (size_t i = 0; i < n; ++i) {
      if (text[i] != '{' && text[i] != '}') continue;
      if (i > 0 && text[i - 1] == '\\') continue;  // \{ \}
      if (text[i] == '{') open.push_back(i);
      else if (!open.empty()) close_of[open.back()] = i, open.pop_back();
    }
  };
  std::vector<bool> dropped(n, false);
  auto live = [&](size_t i) {  // the first position >= i not dropped
    while (i < n && dropped[i]) ++i;
    return i;
  };
  // Position just past `pattern` read on the live text from `at`, or npos.
  auto past_pattern = [&](size_t at) {
    for (char c : pattern) {
      at = live(at);
      if (at >= n || text[at] != c) return std::string::npos;
      ++at;
    }
    return at;
  };

  std::string out;
  out.reserve(n);
  size_t emitted = 0;  // live text before this position is in `out`
  auto emit_until = [&](size_t end) {
    for (size_t i = emitted; i < end;) {
      size_t run = i;
      while (run < end && !dropped[run]) ++run;
      out.append(text, i, run - i);
      i = live(run);
    }
    emitted = end;
  };
  size_t pos = 0;
  while ((pos = live(pos)) < n) {
    size_t after = text[pos] == '\\' ? past_pattern(pos) : std::string::npos;
    if (after == std::string::npos) {
      // on to the next backslash (live or not: a dropped position holds a '}')
      pos = text.find('\\', pos + 1);
      if (pos == std::string::npos) break;
      continue;
    }
    size_t brace = live(after);
    while (brace < n && text[brace] == ' ') brace = live(brace + 1);
    if (brace >= n || text[brace] != '{') {
      pos = after;  // go on after the pattern
      continue;
    }
    if (close_of.empty()) match_braces();
    size_t close = close_of[brace];
    if (close == std::string::npos) break;  // unbalanced: leave the rest as it is
    emit_until(pos);
    dropped[close] = true;
    emitted = pos = brace + 1;
  }
  emit_until(n);
  return out;
}

std::string normalize_math_answer(std::string_view answer) {
  std::string s(answer);
  static const std::pair<const char*, const char*> kUnicode[] = {
      {"\u2212", "-"}, {"\u2013", "-"}, {"\u2014", "-"}, {"\u00d7", "\\times "},
      {"\u00b7", "\\cdot "}, {"\u00f7", "\\div "}, {"\u221a", "\\sqrt"}, {"\u03c0", "\\pi "},
      {"\u221e", "\\infty "}, {"\u00b0", "^\\circ"}, {"\u2264", "\\le "}, {"\u2265", "\\ge "},
      {"\u222a", "\\cup "}, {"\u00a0", " "}, {"\u2009", " "}, {"\n", " "}, {"\t", " "}};
  for (const auto& [from, to] : kUnicode) s = replace_all(s, from, to);
  s = unwrap_command(unwrap_command(s, "boxed"), "fbox");
  s = replace_all(s, "\\$", "");
  s = replace_all(s, "$", "");
  for (const char* wrapper : {"\\(", "\\)", "\\[", "\\]"}) s = replace_all(s, wrapper, " ");
  // Thousands separators written the MATH way: 75,\!075 and 90{,}900.
  s = replace_all(s, "{,}", "");
  for (size_t pos; (pos = s.find(",\\!")) != std::string::npos;) {
    size_t end = pos + 3;
    while (end < s.size() && s[end] == ' ') ++end;
    s.erase(pos, end - pos);
  }
  s = replace_all(s, "\\!", "");
  for (const char* space : {"\\,", "\\;", "\\:", "\\quad", "\\qquad", "~"}) s = replace_all(s, space, " ");
  for (size_t pos = 0; (pos = s.find("\\ ", pos)) != std::string::npos;)
    if (pos > 0 && s[pos - 1] == '\\') pos += 2;
    else s.erase(pos, 1);  // "\ " -> " "
  s = replace_all(replace_all(s, "\\left.", ""), "\\right.", "");
  for (const char* sizer : {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle"})
    s = replace_control(s, sizer, "");
  for (const char* frac : {"dfrac", "tfrac", "cfrac"}) s = replace_control(s, frac, "\\frac");
  for (const char* binom : {"dbinom", "tbinom"}) s = replace_control(s, binom, "\\binom");
  for (const char* degree : {"^{\\circ}", "^\\circ", "{}^\\circ", "\\circ", "\\degree"}) s = replace_all(s, degree, "");
  s = replace_all(replace_all(s, "\\%", ""), "%", "");
  s = drop_trailing_units(s);
  for (const char* wrapper : {"text", "textbf", "textit", "textrm", "textnormal", "mathrm", "mathbf",
                              "mathit", "mbox", "operatorname", "mathbb"})
    s = unwrap_command(s, wrapper);
  s = replace_all(replace_all(s, " and ", ","), " or ", ",");
  s = drop_trailing_units(s);
  s = brace_short_arguments(s);
  // ".5" -> "0.5"
  for (size_t pos = 0; (pos = s.find('.', pos)) != std::string::npos; ++pos)
    if (pos + 1 < s.size() && is_digit(s[pos + 1]) && (pos == 0 || !is_digit(s[pos - 1]))) s.insert(pos, "0");
  s = replace_all(s, "infinity", "\\infty");
  // collapse whitespace
  std::string collapsed;
  for (char c : s) {
    if (is_space(c)) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  s = trim(collapsed);
  while (s.size() >= 2 && s.front() == '{' && matching_brace(s, 0) == s.size() - 1) s = trim(s.substr(1, s.size() - 2));
  return word_number(s);
}

std::string math_string_key(std::string_view answer) {
  std::string s = normalize_math_answer(answer);
  std::string key;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ' ') {
      key += s[i];
      continue;
    }
    // keep "\pi r" apart from "\pir"
    size_t j = key.size();
    while (j > 0 && is_alpha(key[j - 1])) --j;
    bool after_command = j > 0 && key[j - 1] == '\\' && j < key.size();
    if (after_command && i + 1 < s.size() && is_alpha(s[i + 1])) key += ' ';
  }
  return to_lower_ascii(key);
}

}  // namespace regenesis
