#include "text/answer_math.h"

#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "text/answer_expr.h"
#include "text/answer_latex.h"
#include "util/strings.h"

namespace regenesis {
namespace {

enum class Kind { Scalar, Equation, Tuple, Set, List, Matrix, Union, Relation };

struct Item {
  Kind kind = Kind::Scalar;
  std::string text;            // normalized text of the whole item
  std::vector<Item> elements;  // parts (Equation: the sides; Matrix: cells, row-major)
  char open = 0, close = 0;    // Tuple brackets
  size_t rows = 0, cols = 0;   // Matrix shape
};

constexpr int kMaxDepth = 8;

Item make_item(Kind kind, std::string text) {
  Item item;
  item.kind = kind;
  item.text = std::move(text);
  return item;
}

bool opens(char c) { return c == '(' || c == '[' || c == '{'; }
bool closes(char c) { return c == ')' || c == ']' || c == '}'; }

// Splits at `separator` outside any brackets (round, square and curly count alike, so the
// half-open interval "[3,\infty)" nests correctly).
std::vector<std::string> split_top_level(std::string_view s, std::string_view separator) {
  std::vector<std::string> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (opens(s[i + 1]) || closes(s[i + 1]))) {
      depth += opens(s[i + 1]) ? 1 : -1;
      ++i;
      continue;
    }
    if (opens(c)) ++depth;
    else if (closes(c)) --depth;
    else if (depth == 0 && s.compare(i, separator.size(), separator) == 0) {
      // "\cup" must not match inside a longer command name, "\\" must not be an escaped brace
      size_t after = i + separator.size();
      if (std::isalpha(static_cast<unsigned char>(separator.back())) && after < s.size() &&
          std::isalpha(static_cast<unsigned char>(s[after])))
        continue;
      parts.emplace_back(trim(s.substr(start, i - start)));
      start = after;
      i = after - 1;
    }
  }
  parts.emplace_back(trim(s.substr(start)));
  return parts;
}

// True when the bracket at s[0] is closed exactly by the last character.
bool wrapped_whole(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (opens(s[i + 1]) || closes(s[i + 1]))) c = s[++i];
    if (opens(c)) ++depth;
    else if (closes(c) && --depth == 0) return i + 1 == s.size();
  }
  return false;
}

// "1 \pm \sqrt{5}" -> {"1 + \sqrt{5}", "1 - \sqrt{5}"}.
std::vector<std::string> expand_plus_minus(const std::string& s) {
  for (const char* pm : {"\\pm", "\\mp"}) {
    size_t pos = s.find(pm);
    if (pos == std::string::npos) continue;
    std::string head = s.substr(0, pos), tail = s.substr(pos + 3);
    return {head + "+" + tail, head + "-" + tail};
  }
  return {s};
}

Item parse_item(const std::string& raw, int depth);

Item make_collection(Kind kind, const std::vector<std::string>& parts, const std::string& text, int depth) {
  Item item = make_item(kind, text);
  for (const auto& part : parts)
    for (const auto& expanded : expand_plus_minus(part)) item.elements.push_back(parse_item(expanded, depth + 1));
  return item;
}

std::optional<Item> parse_matrix(const std::string& s, int depth) {
  static const std::regex kBegin(R"(^\\begin\{([a-zA-Z]*matrix|array)\})");
  std::smatch m;
  if (!std::regex_search(s, m, kBegin)) return std::nullopt;
  std::string end = "\\end{" + m[1].str() + "}";
  if (s.size() < m.length(0) + end.size() || s.compare(s.size() - end.size(), end.size(), end) != 0)
    return std::nullopt;
  std::string body = s.substr(m.length(0), s.size() - m.length(0) - end.size());
  if (m[1].str() == "array" && !trim(body).empty() && trim(body)[0] == '{') {
    std::string t = trim(body);
    auto close = matching_brace(t, 0);
    if (!close) return std::nullopt;
    body = t.substr(*close + 1);
  }
  Item item = make_item(Kind::Matrix, s);
  auto rows = split_top_level(body, "\\\\");
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  for (const auto& row : rows) {
    auto cells = split_top_level(row, "&");
    if (item.cols == 0) item.cols = cells.size();
    if (cells.size() != item.cols) return std::nullopt;
    for (const auto& cell : cells) item.elements.push_back(parse_item(cell, depth + 1));
  }
  item.rows = rows.size();
  if (item.rows == 0) return std::nullopt;
  return item;
}

Item parse_item(const std::string& raw, int depth) {
  std::string s = trim(raw);
  if (depth > kMaxDepth || s.empty()) return make_item(Kind::Scalar, s);
  if (auto matrix = parse_matrix(s, depth)) return *matrix;
  auto pieces = split_top_level(s, "\\cup");
  if (pieces.size() > 1) return make_collection(Kind::Union, pieces, s, depth);
  if (s.rfind("\\{", 0) == 0 && s.size() >= 4 && s.compare(s.size() - 2, 2, "\\}") == 0 && wrapped_whole(s))
    return make_collection(Kind::Set, split_top_level(s.substr(2, s.size() - 4), ","), s, depth);
  if ((s.front() == '(' || s.front() == '[') && (s.back() == ')' || s.back() == ']') && wrapped_whole(s)) {
    auto parts = split_top_level(s.substr(1, s.size() - 2), ",");
    if (parts.size() == 1) return parse_item(parts[0], depth + 1);
    Item tuple = make_collection(Kind::Tuple, parts, s, depth);
    tuple.open = s.front();
    tuple.close = s.back();
    return tuple;
  }
  auto list = split_top_level(s, ",");
  if (list.size() > 1) return make_collection(Kind::List, list, s, depth);
  for (const char* relation : {"<", ">", "\\le", "\\ge", "\\ne", "\\lt", "\\gt"})
    if (split_top_level(s, relation).size() > 1) return make_item(Kind::Relation, s);
  auto sides = split_top_level(s, "=");
  if (sides.size() > 1) {
    Item equation = make_item(Kind::Equation, s);
    for (const auto& side : sides) equation.elements.push_back(make_item(Kind::Scalar, side));
    return equation;
  }
  auto expanded = expand_plus_minus(s);
  if (expanded.size() > 1) return make_collection(Kind::List, expanded, s, depth);
  return make_item(Kind::Scalar, s);
}

// "x", "y_1", "\theta": the left side of an answer like "x = 5".
bool is_named_variable(const std::string& s) {
  static const std::regex kVariable(R"(^([A-Za-z](_\{?[A-Za-z0-9]+\}?)?|\\[a-z]+)$)");
  return std::regex_match(s, kVariable) && s != "\\infty" && s != "\\pi";
}

// A variable-free expression: the end of a worked chain "289 - 225 = 64".
bool is_constant(const std::string& s) {
  auto e = Expr::parse(s);
  return e && e->variables().empty() && constant_value(*e).has_value();
}

std::string without_braces(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '{' && c != '}') out += c;
  return out;
}

bool scalar_equivalent(const std::string& predicted, const std::string& gold) {
  std::string pk = math_string_key(predicted), gk = math_string_key(gold);
  if (pk == gk) return true;
  auto strip_plus = [](std::string k) { return k.rfind('+', 0) == 0 ? k.substr(1) : k; };
  if (strip_plus(pk) == strip_plus(gk)) return true;
  auto pe = Expr::parse(predicted), ge = Expr::parse(gold);
  if (pe && ge) return expressions_equivalent(*pe, *ge);
  // Something outside the expression grammar (base subscripts, words): compare as text.
  return without_braces(pk) == without_braces(gk);
}

bool equivalent(const Item& p, const Item& g, int depth);

bool all_pairs(const std::vector<Item>& p, const std::vector<Item>& g, int depth) {
  if (p.size() != g.size()) return false;
  for (size_t k = 0; k < p.size(); ++k)
    if (!equivalent(p[k], g[k], depth + 1)) return false;
  return true;
}

// Unordered: every gold element matched by a distinct predicted one (backtracking; lists are short).
bool match_unordered(const std::vector<Item>& p, const std::vector<Item>& g, std::vector<bool>& used,
                     size_t k, int depth) {
  if (k == g.size()) return true;
  for (size_t j = 0; j < p.size(); ++j) {
    if (used[j] || !equivalent(p[j], g[k], depth + 1)) continue;
    used[j] = true;
    if (match_unordered(p, g, used, k + 1, depth)) return true;
    used[j] = false;
  }
  return false;
}

bool is_vector(const Item& m) { return m.kind == Kind::Matrix && (m.rows == 1 || m.cols == 1); }

bool equations_equivalent(const Item& p, const Item& g) {
  const std::string& gl = g.elements.front().text;
  const std::string& gr = g.elements.back().text;
  const std::string& pl = p.elements.front().text;
  const std::string& pr = p.elements.back().text;
  if (math_string_key(pl) == math_string_key(gl) && scalar_equivalent(pr, gr)) return true;
  if (g.elements.size() != 2 || p.elements.size() != 2) return false;
  auto a_l = Expr::parse(pl), a_r = Expr::parse(pr), b_l = Expr::parse(gl), b_r = Expr::parse(gr);
  if (!a_l || !a_r || !b_l || !b_r) return false;
  // "x = 5" and "x = 6" are proportional as x-5 vs x-6 nowhere; single-variable solutions are
  // compared by value above, so only relations between variables get here.
  if (is_named_variable(gl) && is_named_variable(pl)) return false;
  return differences_proportional(*a_l, *a_r, *b_l, *b_r);
}

bool equivalent(const Item& p, const Item& g, int depth) {
  if (depth > kMaxDepth) return false;
  if (math_string_key(p.text) == math_string_key(g.text)) return true;
  switch (g.kind) {
    case Kind::Scalar:
      if (p.kind == Kind::Scalar) return scalar_equivalent(p.text, g.text);
      if (p.kind == Kind::Equation && (is_named_variable(p.elements.front().text) || is_constant(p.elements.back().text)))
        return scalar_equivalent(p.elements.back().text, g.text);
      return false;
    case Kind::Equation:
      if (p.kind == Kind::Equation) return equations_equivalent(p, g);
      if (p.kind == Kind::Scalar && g.elements.size() == 2 && is_named_variable(g.elements.front().text))
        return scalar_equivalent(p.text, g.elements.back().text);
      return false;
    case Kind::Tuple:
      if (p.kind == Kind::Tuple) return p.open == g.open && p.close == g.close && all_pairs(p.elements, g.elements, depth);
      if (is_vector(p) && g.open == '(' && g.close == ')') return all_pairs(p.elements, g.elements, depth);
      return false;
    case Kind::Set:
    case Kind::List: {
      if (p.kind != Kind::Set && p.kind != Kind::List) return false;
      if (p.elements.size() != g.elements.size()) return false;
      std::vector<bool> used(p.elements.size(), false);
      return match_unordered(p.elements, g.elements, used, 0, depth);
    }
    case Kind::Matrix:
      if (p.kind == Kind::Matrix) return p.rows == g.rows && p.cols == g.cols && all_pairs(p.elements, g.elements, depth);
      if (p.kind == Kind::Tuple && is_vector(g) && p.open == '(' && p.close == ')') return all_pairs(p.elements, g.elements, depth);
      return false;
    case Kind::Union:
      return p.kind == Kind::Union && all_pairs(p.elements, g.elements, depth);
    case Kind::Relation:
      return false;
  }
  return false;
}

// "70,110" may be one number or two; try both readings.
std::vector<std::string> readings(std::string_view answer) {
  std::string normalized = normalize_math_answer(answer);
  // "x \in [2,5]" -> "[2,5]"
  static const std::regex kMembership(R"(^[A-Za-z]\s*\\in\s*)");
  normalized = std::regex_replace(normalized, kMembership, "");
  std::vector<std::string> out = {normalized};
  static const std::regex kThousands(R"(^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$)");
  if (std::regex_match(normalized, kThousands)) out.push_back(replace_all(normalized, ",", ""));
  return out;
}

}  // namespace

// Longer than any final answer: such text is not compared (and cannot slow the grader down).
constexpr size_t kMaxAnswerLength = 5000;

bool math_answers_equivalent(std::string_view predicted, std::string_view gold) {
  if (trim(predicted).empty() || trim(gold).empty()) return false;
  if (predicted.size() > kMaxAnswerLength || gold.size() > kMaxAnswerLength) return false;
  for (const auto& p : readings(predicted))
    for (const auto& g : readings(gold))
      if (equivalent(parse_item(p, 0), parse_item(g, 0), 0)) return true;
  return false;
}

bool math_scalars_equivalent(std::string_view predicted, std::string_view gold) {
  if (trim(predicted).empty() || trim(gold).empty()) return false;
  if (predicted.size() > kMaxAnswerLength || gold.size() > kMaxAnswerLength) return false;
  return scalar_equivalent(normalize_math_answer(predicted), normalize_math_answer(gold));
}

}  // namespace regenesis
