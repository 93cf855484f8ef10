#include "pipeline/equations.h"

#include <cctype>

namespace regenesis {
namespace {

enum class Kind { Number, Op, Open, Close, Equals, Break };

struct Token {
  Kind kind;
  std::string text;
};

bool digit(char c) { return c >= '0' && c <= '9'; }

// "1,200.50" -> "1200.5", "007" -> "7", "3.0" -> "3".
std::string normalize_number(std::string_view raw) {
  std::string s;
  for (char c : raw)
    if (c != ',') s += c;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  size_t lead = 0;
  while (lead + 1 < s.size() && s[lead] == '0' && digit(s[lead + 1])) ++lead;
  s.erase(0, lead);
  if (s.empty() || s[0] == '.') s.insert(0, "0");
  return s;
}

// Reads a number at text[i] (digits, "," followed by three digits, one '.' followed by a digit,
// an optional '%'); returns its length, 0 when there is none.
size_t number_length(std::string_view text, size_t i) {
  size_t j = i;
  bool seen_point = false;
  if (j < text.size() && text[j] == '.' && j + 1 < text.size() && digit(text[j + 1])) {
    seen_point = true;
    ++j;
  }
  if (j >= text.size() || !digit(text[j])) return 0;
  while (j < text.size()) {
    if (digit(text[j])) {
      ++j;
    } else if (text[j] == ',' && !seen_point && j + 3 < text.size() &&
               digit(text[j + 1]) && digit(text[j + 2]) && digit(text[j + 3]) &&
               (j + 4 >= text.size() || !digit(text[j + 4]))) {
      j += 4;
    } else if (text[j] == '.' && !seen_point && j + 1 < text.size() && digit(text[j + 1])) {
      seen_point = true;
      ++j;
    } else {
      break;
    }
  }
  if (j < text.size() && text[j] == '%') ++j;
  return j - i;
}

std::vector<Token> tokenize(std::string_view text) {
  static const std::pair<std::string_view, std::string_view> kOperators[] = {
      {"\\times", "*"}, {"\\cdot", "*"}, {"\\div", "/"}, {"\xC3\x97", "*"} /* × */,
      {"\xC3\xB7", "/"} /* ÷ */, {"\xC2\xB7", "*"} /* · */, {"\xE2\x88\x92", "-"} /* − */,
      {"+", "+"}, {"-", "-"}, {"*", "*"}, {"/", "/"}, {"^", "^"}};
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '$') {
      ++i;
      continue;
    }
    if (size_t n = number_length(text, i)) {
      std::string_view raw = text.substr(i, n);
      bool percent = raw.back() == '%';
      if (percent) raw.remove_suffix(1);
      tokens.push_back({Kind::Number, normalize_number(raw) + (percent ? "%" : "")});
      i += n;
      continue;
    }
    if (c == '=') {
      tokens.push_back({Kind::Equals, "="});
      ++i;
      continue;
    }
    if (c == '(' || c == ')') {
      tokens.push_back({c == '(' ? Kind::Open : Kind::Close, std::string(1, c)});
      ++i;
      continue;
    }
    bool matched = false;
    for (const auto& [spelling, op] : kOperators) {
      if (text.substr(i, spelling.size()) == spelling) {
        tokens.push_back({Kind::Op, std::string(op)});
        i += spelling.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    // "3 x 4": an x between two numbers is a multiplication sign.
    if ((c == 'x' || c == 'X') && !tokens.empty() && tokens.back().kind == Kind::Number) {
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '$')) ++j;
      if (j < text.size() && number_length(text, j) > 0) {
        tokens.push_back({Kind::Op, "*"});
        ++i;
        continue;
      }
    }
    if (tokens.empty() || tokens.back().kind != Kind::Break) tokens.push_back({Kind::Break, ""});
    ++i;
  }
  return tokens;
}

}  // namespace

std::vector<std::string> extract_equations(std::string_view text) {
  std::vector<Token> tokens = tokenize(text);
  std::vector<std::string> equations;
  for (size_t e = 0; e < tokens.size(); ++e) {
    if (tokens[e].kind != Kind::Equals) continue;
    // The right-hand side: a number, optionally negative.
    size_t r = e + 1;
    std::string result;
    if (r < tokens.size() && tokens[r].kind == Kind::Op && tokens[r].text == "-") {
      result = "-";
      ++r;
    }
    if (r >= tokens.size() || tokens[r].kind != Kind::Number) continue;
    result += tokens[r].text;
    // The left-hand side: the run of expression tokens right before '='.
    size_t start = e;
    while (start > 0) {
      Kind k = tokens[start - 1].kind;
      if (k != Kind::Number && k != Kind::Op && k != Kind::Open && k != Kind::Close) break;
      --start;
    }
    // A run cannot start with a binary operator or a closing parenthesis.
    while (start < e && ((tokens[start].kind == Kind::Op && tokens[start].text != "-") ||
                         tokens[start].kind == Kind::Close))
      ++start;
    int numbers = 0, operators = 0;
    std::string left;
    for (size_t t = start; t < e; ++t) {
      numbers += tokens[t].kind == Kind::Number;
      operators += tokens[t].kind == Kind::Op;
      left += tokens[t].text;
    }
    if (numbers < 2 || operators < 1) continue;
    equations.push_back(left + "=" + result);
  }
  return equations;
}

std::string dedup_key(std::string_view path, const std::string& rule) {
  if (rule == "equations") {
    auto equations = extract_equations(path);
    if (!equations.empty()) {
      std::string key = "eq:";
      for (size_t i = 0; i < equations.size(); ++i) key += (i ? "|" : "") + equations[i];
      return key;
    }
  }
  std::string key = "text:";
  bool space = false;
  for (char c : path) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && key.size() > 5) key += ' ';
    space = false;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

}  // namespace regenesis
