#include "text/answer_official.h"

#include <cctype>
#include <vector>

#include "text/answer.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::string delete_suffix_forms(std::string s, bool with_comma) {
  for (const char* piece : {".00", ".00%", ".0%", ".0"}) s = replace_all(s, piece, "");
  if (with_comma) s = replace_all(s, ",", "");
  return replace_all(s, "%", "");
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// All matches of the regex -?\d+\.?\d* , left to right.
std::vector<std::string> numbers_like_the_regex(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    if (s[i] == '-' && i + 1 < s.size() && is_digit(s[i + 1])) ++i;
    if (!is_digit(s[i])) {
      i = start + 1;
      continue;
    }
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string official_normalize_truth(std::string_view truth) {
  std::string t(truth);
  if (!t.empty() && t[0] == '.') t = "0" + t;
  return trim(delete_suffix_forms(t, true));
}

bool official_regenesis_match(std::string_view path, std::string_view truth) {
  std::string gt = official_normalize_truth(truth);
  if (gt.empty()) return false;
  auto boxed = last_boxed_content(path);
  std::string answer = boxed ? *boxed : std::string(path);
  std::string cleaned = replace_all(replace_all(replace_all(answer, "$", ""), ",", ""), "-", " - ");
  auto numbers = numbers_like_the_regex(cleaned);
  if (numbers.empty()) return false;  // the quirk: no digit in the box, no match at all
  if (is_digit(gt[0])) {
    for (const std::string& n : {numbers.front(), numbers.back()})
      if (n == gt || delete_suffix_forms(n, false) == gt) return true;
    return false;
  }
  return to_lower_ascii(answer).find(to_lower_ascii(gt)) != std::string::npos;
}

}  // namespace regenesis
