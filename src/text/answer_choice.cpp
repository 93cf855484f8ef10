#include "text/answer_choice.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "text/answer_latex.h"
#include "text/answer_math.h"
#include "util/strings.h"

namespace regenesis {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Choices are named A-Z: those past the 26th have no letter and are never an answer (a fuzzed
// list of 32 choices gave the "letter" '`', which then did not match itself).
constexpr size_t kLetters = 26;
size_t labelled_count(const std::vector<std::string>& choices) { return std::min(choices.size(), kLetters); }
size_t letter_count(const std::vector<std::string>& choices) { return choices.empty() ? kLetters : labelled_count(choices); }

std::optional<size_t> letter_index(char letter, const std::vector<std::string>& choices) {
  char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  if (upper < 'A' || upper > 'Z') return std::nullopt;
  size_t index = static_cast<size_t>(upper - 'A');
  if (index >= letter_count(choices)) return std::nullopt;
  return index;
}

std::string clean_candidate(std::string_view candidate) {
  std::string s(candidate);
  for (const char* wrapper : {"boxed", "fbox", "text", "textbf", "textit", "mathrm", "mbox", "mathbf"})
    s = unwrap_command(s, wrapper);
  std::string out;
  for (char c : s)
    if (c != '$' && c != '*' && c != '`' && c != '"') out += c;
  out = trim(out);
  while (!out.empty() && std::string_view(".:;,!").find(out.back()) != std::string_view::npos) out = trim(out.substr(0, out.size() - 1));
  return out;
}

// Lower case, single spaces, no surrounding punctuation: how choice texts are compared.
std::string comparable_text(std::string_view text) {
  std::string lower = to_lower_ascii(text);
  std::string out;
  for (char c : lower) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  out = trim(out);
  size_t begin = 0, end = out.size();
  while (begin < end && !is_alnum(out[begin])) ++begin;
  while (end > begin && !is_alnum(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

// Position of the last occurrence of `needle` in `hay` as a whole phrase (word boundaries).
std::optional<size_t> last_phrase(const std::string& hay, const std::string& needle) {
  if (needle.empty()) return std::nullopt;
  size_t pos = hay.size();
  while (pos != std::string::npos && pos > 0) {
    pos = hay.rfind(needle, pos - 1);
    if (pos == std::string::npos) break;
    size_t end = pos + needle.size();
    bool left_ok = pos == 0 || !is_alnum(hay[pos - 1]);
    bool right_ok = end >= hay.size() || !is_alnum(hay[end]);
    if (left_ok && right_ok) return pos;
  }
  return std::nullopt;
}

struct Mention {
  size_t index;
  size_t position;
};

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_word_char(char c) { return is_alnum(c) || c == '_'; }  // regex \w
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

size_t skip_spaces(std::string_view s, size_t i) {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// Whether `word` (lower case) is at `at`, in any case.
bool word_at(std::string_view s, size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[at + k])) != word[k]) return false;
  return true;
}

// After "option"/"choice"/"answer" ending at `i`: `\s*(?:is\s*)?:?\s*\(?([A-Za-z])\b\)?`. Sets
// `letter` and returns the end of the mention, or npos.
size_t letter_after_keyword(std::string_view s, size_t i, char& letter) {
  i = skip_spaces(s, i);
  // After "is" only the "is" reading can succeed: without it the letter would be the 'i' of
  // "is", which a word character follows.
  if (word_at(s, i, "is")) i = skip_spaces(s, i + 2);
  if (i < s.size() && s[i] == ':') ++i;
  i = skip_spaces(s, i);
  if (i < s.size() && s[i] == '(') ++i;
  if (i >= s.size() || !is_ascii_letter(s[i])) return std::string_view::npos;
  if (i + 1 < s.size() && is_word_char(s[i + 1])) return std::string_view::npos;
  letter = s[i++];
  if (i < s.size() && s[i] == ')') ++i;
  return i;
}

// Explicit letter mentions: "(B)", "option B", "choice (B)", "answer: B", left to right and not
// overlapping: the matches of the regex
//   \(([A-Za-z])\)|\b(?:option|choice|answer)\s*(?:is\s*)?:?\s*\(?([A-Za-z])\b\)?   (any case)
// scanned by hand in linear time (std::regex backtracks quadratically over "answer" + spaces and
// recurses once per space).
std::vector<Mention> letter_mentions(std::string_view s, const std::vector<std::string>& choices) {
  std::vector<Mention> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char letter = 0;
    size_t end = std::string_view::npos;
    if (s[i] == '(' && i + 2 < s.size() && is_ascii_letter(s[i + 1]) && s[i + 2] == ')') {
      letter = s[i + 1];
      end = i + 3;
    } else if (i == 0 || !is_word_char(s[i - 1])) {
      for (std::string_view keyword : {"option", "choice", "answer"})
        if (word_at(s, i, keyword)) {
          end = letter_after_keyword(s, i + keyword.size(), letter);
          break;
        }
    }
    if (end == std::string_view::npos) {
      ++i;
      continue;
    }
    i = end;
    // "(a)" in running text is usually an enumeration; only capitals count as choice letters there
    // after "option"/"answer" only a capital is a label ("the answer is a number" is prose)
    if (std::islower(static_cast<unsigned char>(letter))) continue;
    if (auto index = letter_index(letter, choices)) out.push_back({*index, start});
  }
  return out;
}

// Choices whose text occurs in `s`; a text that is part of another found text does not count.
std::vector<Mention> text_mentions(const std::string& s, const std::vector<std::string>& choices) {
  std::string hay = comparable_text(s);
  std::vector<Mention> found;
  std::vector<std::string> bodies;
  for (size_t k = 0; k < labelled_count(choices); ++k) {
    std::string body = comparable_text(choice_body(choices[k]));
    bodies.push_back(body);
    if (body.size() < 2) continue;
    if (auto pos = last_phrase(hay, body)) found.push_back({k, *pos});
  }
  std::vector<Mention> out;
  for (const auto& f : found) {
    bool inside_other = false;
    for (const auto& g : found)
      if (g.index != f.index && bodies[g.index].size() > bodies[f.index].size() &&
          bodies[g.index].find(bodies[f.index]) != std::string::npos)
        inside_other = true;
    if (!inside_other) out.push_back(f);
  }
  return out;
}

}  // namespace

std::string choice_letter(size_t index) { return std::string(1, static_cast<char>('A' + index)); }

std::string choice_body(std::string_view choice) {
  // a leading label `\s*\(?[A-Za-z]\)`: "(A) 12", "b) twelve" (scanned by hand: std::regex
  // recurses once per leading space)
  size_t i = skip_spaces(choice, 0);
  if (i < choice.size() && choice[i] == '(') ++i;
  if (i + 1 < choice.size() && is_ascii_letter(choice[i]) && choice[i + 1] == ')') return trim(choice.substr(i + 2));
  return trim(choice);
}

std::optional<size_t> parse_choice(std::string_view candidate, const std::vector<std::string>& choices,
                                   bool prefer_last) {
  // A candidate is a sentence or a box; bound it so the regexes below stay cheap.
  constexpr size_t kMaxCandidate = 1000;
  if (candidate.size() > kMaxCandidate)
    candidate = prefer_last ? candidate.substr(candidate.size() - kMaxCandidate) : candidate.substr(0, kMaxCandidate);
  std::string c = clean_candidate(candidate);
  if (c.empty()) return std::nullopt;
  std::smatch m;
  // 1. a label at the start: "(B)", "(b) text", "B)", "B.", "B:", "B", "b"
  static const std::regex kParenLabel(R"(^\(\s*([A-Za-z])\s*\)(.*)$)");
  static const std::regex kLetterLabel(R"(^([A-Z])(?:[).:]\s*(.*))?$)");
  static const std::regex kLetterThenText(R"(^([A-Z])\s+(.+)$)");
  if (std::regex_match(c, m, kParenLabel) || std::regex_match(c, m, kLetterLabel))
    if (auto index = letter_index(m[1].str()[0], choices)) return index;
  if (c.size() == 1)
    if (auto index = letter_index(c[0], choices)) return index;
  if (std::regex_match(c, m, kLetterThenText)) {
    auto index = letter_index(m[1].str()[0], choices);
    std::string rest = comparable_text(m[2].str());
    bool names_body = index && !choices.empty() &&
                      rest.rfind(comparable_text(choice_body(choices[*index])), 0) == 0;
    // "A bird ..." / "I think ..." are words, not labels
    if (index && (names_body || (m[1].str() != "A" && m[1].str() != "I"))) return index;
  }
  // 2. explicit mentions inside: "option B", "the answer is (B)"
  auto letters = letter_mentions(c, choices);
  if (!letters.empty()) return prefer_last ? letters.back().index : letters.front().index;
  // 3. the text of a choice
  if (!choices.empty()) {
    std::string cc = comparable_text(c);
    for (size_t k = 0; k < labelled_count(choices); ++k)
      if (cc == comparable_text(choice_body(choices[k]))) return k;
    auto texts = text_mentions(c, choices);
    if (texts.size() == 1) return texts.front().index;
    // a value equal to exactly one choice's value: "\frac{1}{2}" names "(B) 0.5" (AQuA)
    if (c.find_first_of("0123456789") != std::string::npos) {
      std::vector<size_t> equal;
      for (size_t k = 0; k < labelled_count(choices); ++k)
        if (math_answers_equivalent(c, choice_body(choices[k]))) equal.push_back(k);
      if (equal.size() == 1) return equal.front();
    }
  }
  // 4. a lone capital letter as a word: "B is correct", "so C"
  static const std::regex kLoneLetter(R"((?:^|[^A-Za-z'])([A-Z])(?![A-Za-z'])(?!\.[A-Za-z]))");
  std::vector<size_t> lone;
  for (auto it = std::sregex_iterator(c.begin(), c.end(), kLoneLetter); it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    char letter = match[1].str()[0];
    size_t after = static_cast<size_t>(match.position(1)) + 1;
    bool word_follows = after + 1 < c.size() && c[after] == ' ' && std::islower(static_cast<unsigned char>(c[after + 1]));
    if ((letter == 'A' || letter == 'I') && word_follows) continue;
    if (auto index = letter_index(letter, choices)) lone.push_back(*index);
  }
  if (!lone.empty()) return prefer_last ? lone.back() : lone.front();
  return std::nullopt;
}

std::optional<size_t> last_choice_mention(std::string_view text, const std::vector<std::string>& choices) {
  std::string s(text);
  auto letters = letter_mentions(s, choices);
  if (!letters.empty()) return letters.back().index;
  auto texts = text_mentions(s, choices);
  if (texts.empty()) return std::nullopt;
  const Mention* last = &texts.front();
  for (const auto& t : texts)
    if (t.position > last->position) last = &t;
  return last->index;
}

bool choice_answers_match(std::string_view predicted, std::string_view gold,
                          const std::vector<std::string>& choices) {
  auto g = parse_choice(gold, choices);
  auto p = parse_choice(predicted, choices);
  if (g && p) return *g == *p;
  if (!g) return !comparable_text(gold).empty() && comparable_text(predicted) == comparable_text(gold);
  return false;
}

}  // namespace regenesis
