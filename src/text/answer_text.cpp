#include "text/answer_text.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "text/answer_latex.h"
#include "text/answer_number.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::string unwrap_all(std::string_view text) {
  std::string s(text);
  for (const char* wrapper : {"boxed", "fbox", "text", "textbf", "textit", "mathrm", "mbox"})
    s = unwrap_command(s, wrapper);
  return s;
}

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  for (auto& w : split(s, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

}  // namespace

std::optional<std::string> parse_yes_no(std::string_view candidate, bool prefer_last) {
  std::string s = to_lower_ascii(unwrap_all(candidate));
  std::optional<std::string> found;
  size_t i = 0;
  while (i < s.size()) {
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    std::string word = s.substr(i, j - i);
    std::optional<std::string> value;
    if (word == "yes" || word == "true") value = "yes";
    if (word == "no" || word == "false") value = "no";
    if (value) {
      if (!prefer_last) return value;
      found = value;
    }
    i = j;
  }
  return found;
}

bool yes_no_answers_match(std::string_view predicted, std::string_view gold) {
  auto p = parse_yes_no(predicted), g = parse_yes_no(gold);
  return p && g && *p == *g;
}

std::string comparable_words(std::string_view text) {
  std::string s = to_lower_ascii(unwrap_all(text));
  std::string cleaned;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool time_colon = c == ':' && i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                      std::isdigit(static_cast<unsigned char>(s[i + 1]));
    if (std::isalnum(c) || c >= 0x80 || time_colon) cleaned += static_cast<char>(c);
    else if (c == '.' || c == '\'' || c == '$') continue;  // "p.m." -> "pm", "men's" -> "mens"
    else cleaned += ' ';
  }
  std::vector<std::string> kept;
  for (auto& w : words_of(cleaned))
    if (w != "a" && w != "an" && w != "the") kept.push_back(w);
  return join(kept, " ");
}

bool text_answers_match(std::string_view predicted, std::string_view gold) {
  std::string p = comparable_words(predicted), g = comparable_words(gold);
  if (g.empty() || p.empty()) return false;
  if (p == g) return true;
  auto pw = words_of(p), gw = words_of(g);
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (pw.size() == gw.size() && sorted(pw) == sorted(gw)) return true;
  // the answer first, then an explanation: "Bryan, because he ran 5 km"
  if (pw.size() > gw.size() && std::equal(gw.begin(), gw.end(), pw.begin())) return true;
  if (pw.size() > gw.size() && pw.size() <= gw.size() + 3) {
    for (size_t start = 0; start + gw.size() <= pw.size(); ++start)
      if (std::equal(gw.begin(), gw.end(), pw.begin() + static_cast<long>(start))) return true;
  }
  auto pn = parse_number_answer(predicted), gn = parse_number_answer(gold);
  bool gold_is_number = gn && comparable_words(gn->text) == comparable_words(trim(gold));
  return gold_is_number && pn && numbers_equivalent(*pn, *gn);
}

}  // namespace regenesis
