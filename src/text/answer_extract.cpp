// extract_answer: the cue order documented in answer.h.
#include <algorithm>
#include <cctype>

#include "text/answer.h"
#include "text/answer_choice.h"
#include "text/answer_cues.h"
#include "text/answer_latex.h"
#include "text/answer_number.h"
#include "text/answer_text.h"
#include "util/strings.h"

namespace regenesis {
namespace {

bool has_digit(std::string_view s) {
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c))) return true;
  return false;
}

// Trims, then drops trailing ".,;:!?" and the spaces between them (one cut: a copy per dropped
// character was quadratic on a long run of dots).
std::string strip_trailing_punctuation(std::string_view s) {
  size_t end = s.size();
  while (end > 0 && (std::isspace(static_cast<unsigned char>(s[end - 1])) ||
                     std::string_view(".,;:!?").find(s[end - 1]) != std::string_view::npos))
    --end;
  return trim(s.substr(0, end));
}

// Contents of $...$, $$...$$, \(...\) and \[...\] in order.
std::vector<std::string> math_segments(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    std::string_view open, close;
    if (text.substr(i, 2) == "$$") open = "$$", close = "$$";
    else if (text[i] == '$' && (i == 0 || text[i - 1] != '\\')) open = "$", close = "$";
    else if (text.substr(i, 2) == "\\(") open = "\\(", close = "\\)";
    else if (text.substr(i, 2) == "\\[") open = "\\[", close = "\\]";
    if (open.empty()) {
      ++i;
      continue;
    }
    size_t end = text.find(close, i + open.size());
    if (end == std::string_view::npos) break;
    out.emplace_back(trim(text.substr(i + open.size(), end - i - open.size())));
    i = end + close.size();
  }
  return out;
}

// A math answer in a sentence: its $...$ part when it has one, else the sentence itself when it
// looks like an answer (a digit, a LaTeX command, or a few words) rather than prose.
std::optional<std::string> math_from_sentence(std::string_view sentence, bool prefer_last) {
  auto segments = math_segments(sentence);
  std::string c = segments.empty() ? std::string(sentence) : (prefer_last ? segments.back() : segments.front());
  c = strip_trailing_punctuation(c);
  if (c.empty() || c.size() > 300) return std::nullopt;
  size_t words = split(c, ' ').size();
  if (!has_digit(c) && c.find('\\') == std::string::npos && words > 3) return std::nullopt;
  return c;
}

std::optional<std::string> text_from_sentence(std::string_view sentence) {
  std::string c(sentence);
  for (const char* wrapper : {"boxed", "text", "textbf", "mathrm", "mbox"}) c = unwrap_command(c, wrapper);
  std::string kept;
  for (char ch : c)
    if (ch != '$' && ch != '*') kept += ch;
  kept = strip_trailing_punctuation(kept);
  if (kept.empty() || kept.size() > 200) return std::nullopt;
  return kept;
}

// The candidate read as an answer of `type`, or nullopt when it holds none.
std::optional<std::string> read_as(std::string_view candidate, AnswerType type,
                                   const std::vector<std::string>& choices, bool from_box, bool prefer_last) {
  switch (type) {
    case AnswerType::Number: {
      auto n = parse_number_answer(candidate, prefer_last);
      if (!n) return std::nullopt;
      return n->text;
    }
    case AnswerType::Choice: {
      auto index = parse_choice(candidate, choices, prefer_last);
      if (!index) return std::nullopt;
      return choice_letter(*index);
    }
    case AnswerType::YesNo:
      return parse_yes_no(candidate, prefer_last);
    case AnswerType::Math:
      if (from_box) {
        std::string content = trim(candidate);
        if (content.empty()) return std::nullopt;
        return content;
      }
      return math_from_sentence(candidate, prefer_last);
    case AnswerType::Text:
      return text_from_sentence(candidate);
  }
  return std::nullopt;
}

// Words that open a remark about the answer rather than the answer itself: "our answer is
// correct", "this answer is unique", "the answer is in lowest terms", "the answer is not 5".
bool is_remark(std::string_view sentence, AnswerType type) {
  static const char* const kFillers[] = {"then", "thus", "therefore", "hence", "so", "simply", "just", "clearly", "obviously"};
  static const char* const kRemarks[] = {"correct", "incorrect", "right", "wrong", "unique", "valid", "invalid",
                                         "reasonable", "not", "in", "to", "of", "also", "likely", "probably",
                                         "consistent", "as", "because", "since", "given", "found", "shown",
                                         "obtained", "indeed", "yes", "no"};
  std::vector<std::string> words;
  for (auto& w : split(to_lower_ascii(sentence), ' ')) {
    std::string word;
    for (char c : w)
      if (std::isalnum(static_cast<unsigned char>(c))) word += c;
    if (!w.empty()) words.push_back(word);
  }
  size_t k = 0;
  while (k < words.size() && std::find(std::begin(kFillers), std::end(kFillers), words[k]) != std::end(kFillers)) ++k;
  if (k >= words.size()) return false;
  const std::string& first = words[k];
  if (type != AnswerType::YesNo && std::find(std::begin(kRemarks), std::end(kRemarks), first) != std::end(kRemarks))
    return true;
  // "the answer is a common one": an article before a word (but "a = 5", "(A)" are answers, and
  // "a total of 18" still holds a number)
  bool article = first == "a" || first == "an" || first == "the";
  bool wordy_type = type == AnswerType::Math || type == AnswerType::Text;
  return article && wordy_type && k + 1 < words.size() && words[k + 1].size() >= 2 &&
         std::isalpha(static_cast<unsigned char>(words[k + 1][0]));
}

// Words outside $...$ math: a long cue sentence after a box is prose about the boxed answer
// ("We can check our answer: $...$, so $901$ is indeed the inverse of ...").
size_t prose_words(std::string_view sentence) {
  std::string prose;
  bool in_math = false;
  for (char c : sentence) {
    if (c == '$') in_math = !in_math;
    else if (!in_math) prose += c;
  }
  size_t count = 0;
  for (auto& w : split(prose, ' '))
    if (!trim(w).empty()) ++count;
  return count;
}

constexpr size_t kMaxCueWordsAfterBox = 12;

std::string_view last_nonempty_line(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = text.rfind('\n', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view line = text.substr(start, end - start);
    if (!trim(line).empty()) return line;
    if (start == 0) break;
    end = start - 1;
  }
  return {};
}

// The letter of a line that is only a choice label, `\s*\(?([A-Z])\)?[.):]?\s*`: "C", " (E) ",
// "B.". Scanned by hand: std::regex recurses once per character of `\s*`, so a line of 30,000
// spaces overflowed the stack.
std::optional<char> label_only(std::string_view line) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  size_t begin = 0, end = line.size();
  while (begin < end && is_space(line[begin])) ++begin;
  while (end > begin && is_space(line[end - 1])) --end;
  std::string_view core = line.substr(begin, end - begin);
  size_t i = 0;
  if (i < core.size() && core[i] == '(') ++i;
  if (i >= core.size() || core[i] < 'A' || core[i] > 'Z') return std::nullopt;
  char letter = core[i++];
  if (i < core.size() && core[i] == ')') ++i;
  if (i < core.size() && (core[i] == '.' || core[i] == ')' || core[i] == ':')) ++i;
  if (i != core.size()) return std::nullopt;
  return letter;
}

std::optional<ExtractedAnswer> fallback(std::string_view completion, AnswerType type,
                                        const std::vector<std::string>& choices) {
  switch (type) {
    case AnswerType::Number: {
      auto literals = find_number_literals(completion);
      if (literals.empty()) return std::nullopt;
      return ExtractedAnswer{literals.back().text, "last_number"};
    }
    case AnswerType::Choice: {
      // a last line that is only a label: "C", "E)", "= 3=C" (AQuA rationales end this way)
      std::string_view line = last_nonempty_line(completion);
      size_t eq = line.rfind('=');
      std::string_view tail = eq == std::string_view::npos ? line : line.substr(eq + 1);
      if (auto letter = label_only(tail))
        if (auto index = parse_choice(std::string(1, *letter), choices)) return ExtractedAnswer{choice_letter(*index), "last_line"};
      auto index = last_choice_mention(completion, choices);
      if (!index) return std::nullopt;
      return ExtractedAnswer{choice_letter(*index), "last_choice"};
    }
    case AnswerType::YesNo: {
      std::string head = trim(completion.substr(0, 40));
      size_t start = 0;
      while (start < head.size() && !std::isalpha(static_cast<unsigned char>(head[start]))) ++start;
      size_t end = start;
      while (end < head.size() && std::isalpha(static_cast<unsigned char>(head[end]))) ++end;
      if (auto first = parse_yes_no(head.substr(start, end - start))) return ExtractedAnswer{*first, "first_word"};
      if (auto last = parse_yes_no(completion, true)) return ExtractedAnswer{*last, "last_yesno"};
      return std::nullopt;
    }
    case AnswerType::Math: {
      auto segments = math_segments(completion);
      for (auto it = segments.rbegin(); it != segments.rend(); ++it)
        if (has_digit(*it)) return ExtractedAnswer{strip_trailing_punctuation(*it), "last_math"};
      // Eurus' last step: what follows the last "=", "is", "be", "are", "get" or ": " of the last
      // sentence ("The value is 0.5." -> "0.5").
      std::string sentence(last_sentence(last_nonempty_line(completion)));
      std::string lower = to_lower_ascii(sentence);
      size_t cut = 0;
      for (std::string_view marker : {"=", " is ", " be ", " are ", " get ", ": ", " equals "}) {
        size_t pos = lower.rfind(marker);
        if (pos != std::string::npos) cut = std::max(cut, pos + marker.size());
      }
      std::string tail = strip_trailing_punctuation(sentence.substr(cut));
      if (has_digit(tail) && tail.size() <= 100) return ExtractedAnswer{tail, "last_math"};
      return std::nullopt;
    }
    case AnswerType::Text: {
      auto line = text_from_sentence(last_nonempty_line(completion));
      if (!line) return std::nullopt;
      return ExtractedAnswer{*line, "last_line"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ExtractedAnswer> extract_answer(std::string_view completion, AnswerType type,
                                              const std::vector<std::string>& choices) {
  auto box = find_last_boxed(completion);
  auto cue = find_last_answer_cue(completion);
  if (box && (!cue || box->position > cue->position))
    if (auto a = read_as(box->content, type, choices, true, false)) return ExtractedAnswer{*a, "boxed"};
  if (cue && !is_remark(cue->text, type) && (!box || prose_words(cue->text) <= kMaxCueWordsAfterBox))
    if (auto a = read_as(cue->text, type, choices, false, false)) return ExtractedAnswer{*a, cue->method};
  if (auto trailing = find_last_trailing_cue(completion))
    if (auto a = read_as(trailing->text, type, choices, false, true)) return ExtractedAnswer{*a, trailing->method};
  if (box)
    if (auto a = read_as(box->content, type, choices, true, false)) return ExtractedAnswer{*a, "boxed"};
  return fallback(completion, type, choices);
}

}  // namespace regenesis
