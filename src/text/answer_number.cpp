#include "text/answer_number.h"

#include <cctype>
#include <cmath>

#include "text/answer_expr.h"
#include "text/answer_latex.h"
#include "util/strings.h"

namespace regenesis {
namespace {

constexpr long double kRelativeTolerance = 1e-6L;
constexpr int kMinRoundingPlaces = 2;

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// A sign belongs to the number only after a separator: "x = -5", "(-3", "-5", not "10-3".
bool sign_context(std::string_view text, size_t sign_pos) {
  if (sign_pos == 0) return true;
  char before = text[sign_pos - 1];
  return std::string_view(" \t\n([{=:,;$").find(before) != std::string_view::npos;
}

// Extends a literal backwards over "-", "+", "−" (and "-$"), and returns the sign.
bool take_sign(std::string_view text, size_t& begin) {
  size_t p = begin;
  if (p > 0 && text[p - 1] == '$') --p;
  if (p > 0 && (text[p - 1] == '-' || text[p - 1] == '+') && sign_context(text, p - 1)) {
    begin = p - 1;
    return text[p - 1] == '-';
  }
  if (p >= 3 && text.substr(p - 3, 3) == "\u2212" && sign_context(text, p - 3)) {
    begin = p - 3;
    return true;
  }
  return false;
}

size_t take_percent(std::string_view text, size_t j, bool& percent) {
  size_t k = j;
  while (k < text.size() && text[k] == ' ') ++k;
  if (k < text.size() && text[k] == '%') return percent = true, k + 1;
  if (text.substr(k, 2) == "\\%") return percent = true, k + 2;
  if (k + 7 <= text.size() && to_lower_ascii(text.substr(k, 7)) == "percent" &&
      (k + 7 == text.size() || !is_alpha(text[k + 7])))
    return percent = true, k + 7;
  return j;
}

void finish(NumberLiteral& lit, bool negative) {
  if (lit.exact && negative) lit.exact = Rational{-lit.exact->num, lit.exact->den};
  lit.value = lit.exact ? lit.exact->to_long_double() : lit.value;
  if (negative && lit.text.front() != '-') {
    std::string signed_text(1, '-');
    signed_text += lit.text;
    lit.text = std::move(signed_text);
  }
  if (lit.percent) lit.text += "%";
}

// "\frac{3}{4}" / "\dfrac{3}{4}" at `i` with integer arguments.
std::optional<NumberLiteral> latex_fraction(std::string_view text, size_t i) {
  size_t j = i;
  for (std::string_view cmd : {"\\frac", "\\dfrac", "\\tfrac"})
    if (text.substr(i, cmd.size()) == cmd) j = i + cmd.size();
  if (j == i) return std::nullopt;
  std::string parts[2];
  for (auto& part : parts) {
    if (j >= text.size() || text[j] != '{') return std::nullopt;
    size_t k = j + 1;
    while (k < text.size() && is_digit(text[k])) ++k;
    if (k == j + 1 || k >= text.size() || text[k] != '}') return std::nullopt;
    part = std::string(text.substr(j + 1, k - j - 1));
    j = k + 1;
  }
  NumberLiteral lit;
  auto num = parse_decimal(parts[0]), den = parse_decimal(parts[1]);
  if (!num || !den || den->num == 0) return std::nullopt;
  lit.exact = rational_div(*num, *den);
  lit.text = parts[0] + "/" + parts[1];
  lit.begin = i;
  lit.end = j;
  return lit;
}

struct ProperFraction {
  Rational value;
  std::string text;
  size_t end;
};

// " a/b" at `pos` with 0 < a < b, not followed by more of a date or a decimal.
std::optional<ProperFraction> proper_fraction_at(std::string_view text, size_t pos) {
  if (pos >= text.size() || text[pos] != ' ') return std::nullopt;
  size_t a = pos + 1, k = a;
  while (k < text.size() && is_digit(text[k])) ++k;
  if (k == a || k >= text.size() || text[k] != '/') return std::nullopt;
  size_t b = k + 1, e = b;
  while (e < text.size() && is_digit(text[e])) ++e;
  if (e == b || (e < text.size() && (text[e] == '/' || text[e] == '.' || text[e] == ','))) return std::nullopt;
  auto num = parse_decimal(text.substr(a, k - a)), den = parse_decimal(text.substr(b, e - b));
  if (!num || !den || num->num <= 0 || rational_compare(*num, *den) >= 0) return std::nullopt;
  auto value = rational_div(*num, *den);
  if (!value) return std::nullopt;
  return ProperFraction{*value, std::string(text.substr(a, e - a)), e};
}

NumberLiteral literal_from_expression(const ExprValue& v, const std::string& spelling, bool percent) {
  NumberLiteral lit;
  lit.exact = v.exact;
  lit.value = v.approx.real();
  lit.text = v.exact ? rational_to_string(*v.exact) : spelling;
  lit.percent = percent;
  if (percent) lit.text += "%";
  return lit;
}

// Light clean-up of an answer: wrappers and currency go, the numbers stay.
std::string clean_answer(std::string_view answer) {
  std::string s(answer);
  for (const char* wrapper : {"boxed", "fbox", "text", "textbf", "mathrm", "mbox", "mathbf"})
    s = unwrap_command(s, wrapper);
  for (const char* drop : {"\\$", "$", "**", "\\!", "{,}"}) s = replace_all(s, drop, "");
  // trailing dots, commas and the spaces between them, in one cut (not a copy per character)
  size_t end = s.size();
  while (end > 0 && (std::isspace(static_cast<unsigned char>(s[end - 1])) || s[end - 1] == '.' || s[end - 1] == ','))
    --end;
  return trim(std::string_view(s).substr(0, end));
}

bool looks_like_expression(std::string_view rest) {
  for (std::string_view op : {"+", "*", "/", "^", "!", "frac", "sqrt", "binom", "\\times", "\\cdot", "\\div", "\\pi"})
    if (rest.find(op) != std::string_view::npos) return true;
  return false;
}

struct Reading {
  std::optional<Rational> exact;
  long double value;
};

bool readings_equal(const Reading& p, const NumberLiteral& pl, const Reading& g, const NumberLiteral& gl) {
  if (!std::isfinite(p.value) || !std::isfinite(g.value)) return false;  // a 5000-digit "number"
  if (p.exact && g.exact) {
    if (*p.exact == *g.exact) return true;
    if (p.exact->is_integer() && g.exact->is_integer()) return false;
  }
  long double scale = std::max(std::fabs(p.value), std::fabs(g.value));
  if (std::fabs(p.value - g.value) <= kRelativeTolerance * scale) return true;
  // A decimal with d >= 2 places stands for every value that rounds to it.
  auto rounds_to = [](const Reading& precise, const NumberLiteral& rounded_lit, const Reading& rounded) {
    if (rounded_lit.decimals < kMinRoundingPlaces || !rounded.exact || !precise.exact) return false;
    auto r = rational_round(*precise.exact, rounded_lit.decimals);
    return r && *r == *rounded.exact;
  };
  return rounds_to(p, gl, g) || rounds_to(g, pl, p);
}

std::vector<Reading> readings(const NumberLiteral& lit) {
  std::vector<Reading> out = {{lit.exact, lit.value}};
  if (lit.percent) {
    std::optional<Rational> hundredth;
    if (lit.exact) hundredth = rational_div(*lit.exact, Rational{100, 1});
    out.push_back({hundredth, lit.value / 100});
  }
  return out;
}

}  // namespace

std::vector<NumberLiteral> find_number_literals(std::string_view text) {
  std::vector<NumberLiteral> out;
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (text[i] == '\\') {
      if (auto frac = latex_fraction(text, i)) {
        size_t begin = frac->begin;
        bool negative = take_sign(text, begin);
        frac->begin = begin;
        frac->end = take_percent(text, frac->end, frac->percent);
        finish(*frac, negative);
        i = frac->end;
        out.push_back(*frac);
        continue;
      }
    }
    bool starts = is_digit(text[i]) || (text[i] == '.' && i + 1 < n && is_digit(text[i + 1]) &&
                                        (i == 0 || !is_digit(text[i - 1])));
    if (!starts) {
      ++i;
      continue;
    }
    NumberLiteral lit;
    size_t j = i;
    while (j < n && is_digit(text[j])) ++j;
    std::string digits(text.substr(i, j - i));
    bool grouped = false;
    if (j - i >= 1 && j - i <= 3) {
      while (j + 3 < n && text[j] == ',' && is_digit(text[j + 1]) && is_digit(text[j + 2]) &&
             is_digit(text[j + 3]) && (j + 4 >= n || !is_digit(text[j + 4]))) {
        digits += text.substr(j + 1, 3);
        j += 4;
        grouped = true;
      }
    }
    if (j + 1 < n && text[j] == '.' && is_digit(text[j + 1])) {
      size_t k = j + 1;
      while (k < n && is_digit(text[k])) ++k;
      lit.decimals = static_cast<int>(k - j - 1);
      digits += text.substr(j, k - j);
      j = k;
    }
    lit.exact = parse_decimal(digits);
    if (!lit.exact) lit.value = std::strtold(digits.c_str(), nullptr);
    lit.text = digits;
    // "3/4" (not a date such as 12/25/2020, not "3/4.5")
    bool after_slash = i > 0 && text[i - 1] == '/';  // "25" in "12/25/2020"
    if (lit.decimals == 0 && !grouped && !after_slash && j + 1 < n && text[j] == '/' && is_digit(text[j + 1])) {
      size_t k = j + 1;
      while (k < n && is_digit(text[k])) ++k;
      bool date_like = k < n && (text[k] == '/' || (text[k] == '.' && k + 1 < n && is_digit(text[k + 1])));
      auto den = parse_decimal(text.substr(j + 1, k - j - 1));
      if (!date_like && den && den->num != 0 && lit.exact) {
        lit.exact = rational_div(*lit.exact, *den);
        lit.text += '/';
        lit.text += text.substr(j + 1, k - j - 1);
        j = k;
      }
    }
    // a mixed number "1 3/4" (a proper fraction after a space)
    if (lit.decimals == 0 && !grouped && lit.text.find('/') == std::string::npos && lit.exact)
      if (auto frac = proper_fraction_at(text, j)) {
        lit.exact = rational_add(*lit.exact, frac->value);
        lit.text += " " + frac->text;
        j = frac->end;
      }
    size_t begin = i;
    bool negative = take_sign(text, begin);
    lit.begin = begin;
    lit.end = take_percent(text, j, lit.percent);
    finish(lit, negative);
    if (!lit.exact && negative) lit.value = -lit.value;
    out.push_back(lit);
    i = j;
  }
  return out;
}

std::optional<NumberLiteral> parse_number_answer(std::string_view answer, bool prefer_last) {
  std::string s = clean_answer(answer);
  size_t eq = s.rfind('=');
  if (eq != std::string::npos && eq + 1 < s.size()) s = trim(s.substr(eq + 1));
  if (s.empty()) return std::nullopt;
  bool percent = s.find('%') != std::string::npos || to_lower_ascii(s).find("percent") != std::string::npos;
  auto literals = find_number_literals(s);
  auto as_expression = [&]() -> std::optional<NumberLiteral> {
    // Longer than any final answer (math_answers_equivalent's bound): not read as an expression,
    // so the LaTeX normalizer only ever sees short text.
    constexpr size_t kMaxExpressionLength = 5000;
    if (s.size() > kMaxExpressionLength) return std::nullopt;
    std::string normalized = normalize_math_answer(s);
    auto expr = Expr::parse(normalized);
    if (!expr) return std::nullopt;
    auto v = constant_value(*expr);
    if (!v || std::fabs(v->approx.imag()) > 0) return std::nullopt;
    return literal_from_expression(*v, normalized, percent);
  };
  if (literals.empty()) return as_expression();
  if (literals.size() == 1) {
    std::string rest = s.substr(0, literals[0].begin) + " " + s.substr(literals[0].end);
    if (!looks_like_expression(rest)) return literals[0];
  }
  if (auto e = as_expression()) return e;
  return prefer_last ? literals.back() : literals.front();
}

bool numbers_equivalent(const NumberLiteral& predicted, const NumberLiteral& gold) {
  for (const auto& p : readings(predicted))
    for (const auto& g : readings(gold))
      if (readings_equal(p, predicted, g, gold)) return true;
  return false;
}

bool number_answers_match(std::string_view predicted, std::string_view gold) {
  auto p = parse_number_answer(predicted);
  auto g = parse_number_answer(gold);
  return p && g && numbers_equivalent(*p, *g);
}

}  // namespace regenesis
