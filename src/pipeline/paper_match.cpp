#include "pipeline/paper_match.h"

#include <charconv>
#include <cstdlib>

#include "text/unicode_utf8.h"
#include "util/strings.h"

namespace regenesis::paper {

bool is_python_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::string python_strip(std::string_view text) {
  size_t begin = 0, end = text.size();
  // Leading: advance over whole code points while they are spaces.
  while (begin < end) {
    size_t pos = begin;
    char32_t cp = unicode::next_codepoint(text, pos);
    if (!is_python_space(cp)) break;
    begin = pos;
  }
  // Trailing: step back to the start of the last code point each time.
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    size_t pos = start;
    char32_t cp = unicode::next_codepoint(text, pos);
    if (pos != end || !is_python_space(cp)) break;
    end = start;
  }
  return std::string(text.substr(begin, end - begin));
}

std::optional<std::string> last_boxed_only_string(std::string_view text) {
  size_t idx = text.rfind("\\boxed");
  if (idx == std::string_view::npos) idx = text.rfind("\\fbox");
  if (idx == std::string_view::npos) return std::nullopt;
  std::optional<size_t> left, right;
  int open = 0;
  for (size_t i = idx; i < text.size(); ++i) {
    if (text[i] == '{') {
      ++open;
      if (!left) left = i;
    } else if (text[i] == '}') {
      --open;
      if (open == 0) {
        right = i;
        break;
      }
    }
  }
  if (!left || !right) return std::nullopt;
  return python_strip(text.substr(*left + 1, *right - *left - 1));
}

std::string python_float_repr(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string sci(buffer, end);  // shortest round-trip digits: "d.ddde+XX"
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::atoi(sci.c_str() + e + 1);
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {  // Python repr: fixed notation in this range
    int point = exponent + 1;                 // digits before the decimal point
    if (point <= 0) {
      out += "0." + std::string(-point, '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
      out += digits + std::string(point - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, point) + "." + digits.substr(point);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp_text[16];
  std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp_text;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// re.findall(r'-?\d+\.?\d*', text) with ASCII digits.
std::vector<std::string> find_numbers(const std::string& text) {
  std::vector<std::string> numbers;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    size_t j = i;
    if (text[j] == '-') ++j;
    if (j < text.size() && is_digit(text[j])) {
      while (j < text.size() && is_digit(text[j])) ++j;
      if (j < text.size() && text[j] == '.') ++j;
      while (j < text.size() && is_digit(text[j])) ++j;
      numbers.push_back(text.substr(start, j - start));
      i = j;
    } else {
      ++i;
    }
  }
  return numbers;
}

// str(int(num)) if num.isdigit() else str(float(num)).
std::string python_number_string(const std::string& num) {
  bool all_digits = !num.empty();
  for (char c : num) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    size_t first = num.find_first_not_of('0');
    return first == std::string::npos ? "0" : num.substr(first);
  }
  return python_float_repr(std::strtod(num.c_str(), nullptr));
}

std::string strip_suffixes(std::string r) {
  for (const char* s : {".00", ".00%", ".0%", ".0", "%"}) r = replace_all(r, s, "");
  return r;
}

}  // namespace

MatchCandidates match_answer(std::string_view response_view) {
  MatchCandidates result;
  std::string response(response_view);
  result.boxed = last_boxed_only_string(response);
  if (result.boxed && !result.boxed->empty()) response = *result.boxed;  // `if ans_boxed:`
  response = replace_all(response, "$", "");
  response = replace_all(response, ",", "");
  response = replace_all(response, "-", " - ");
  auto numbers = find_numbers(response);
  if (numbers.empty()) return result;  // responses[0] raises; the code catches it: no candidates
  for (const auto* num : {&numbers.front(), &numbers.back()}) {
    std::string r = python_number_string(*num);
    result.candidates.push_back(r);
    result.candidates.push_back(strip_suffixes(r));
  }
  return result;
}

std::string normalize_truth(std::string truth) {
  if (!truth.empty() && truth[0] == '.') truth = "0" + truth;
  for (const char* s : {".00", ".00%", ".0%", ".0", ",", "%"}) truth = replace_all(truth, s, "");
  return python_strip(truth);
}

bool check_em(std::string_view solution, const std::string& raw_truth, std::string* extracted) {
  std::string truth = normalize_truth(raw_truth);
  MatchCandidates m = match_answer(python_strip(solution));
  if (extracted) extracted->clear();
  if (m.candidates.empty() || truth.empty()) return false;
  if (is_digit(truth[0])) {
    if (extracted) *extracted = join(m.candidates, " | ");
    for (const auto& c : m.candidates)
      if (c == truth) return true;
    return false;
  }
  if (extracted && m.boxed) *extracted = *m.boxed;
  return m.boxed && !m.boxed->empty() &&
         to_lower_ascii(*m.boxed).find(to_lower_ascii(truth)) != std::string::npos;
}

}  // namespace regenesis::paper
