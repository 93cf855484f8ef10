#include "text/answer_cues.h"

#include <cctype>

#include "text/answer_latex.h"
#include "util/strings.h"

namespace regenesis {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_abbreviation_before(std::string_view text, size_t dot) {
  size_t start = dot;
  while (start > 0 && std::isalpha(static_cast<unsigned char>(text[start - 1]))) --start;
  if (start == dot) return false;
  std::string word = to_lower_ascii(text.substr(start, dot - start));
  // "p.m." / "e.g.": a letter group that follows another dot
  if (start > 0 && text[start - 1] == '.' && dot - start <= 2) return true;
  for (const char* abbreviation : {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "approx", "jr", "sr", "cf", "no"})
    if (word == abbreviation && (word != "no" || (dot + 2 < text.size() && std::isdigit(static_cast<unsigned char>(text[dot + 2])))))
      return true;
  return false;
}

bool sentence_ends_at(std::string_view text, size_t i) {
  if (text[i] == '\n') return true;
  if (text[i] != '.') return false;
  if (i + 1 < text.size() && !is_space(text[i + 1])) return false;
  return !is_abbreviation_before(text, i);
}

size_t skip_cue_punctuation(std::string_view text, size_t i) {
  while (i < text.size() && (is_space(text[i]) || text[i] == ':' || text[i] == '*' || text[i] == '#')) ++i;
  return i;
}

struct CueSpec {
  const char* phrase;
  const char* method;
  bool (*valid)(std::string_view, size_t);  // (text, index after the phrase)
};

// Not "We can check our answer: ..." or "to verify that the answer is ...": those introduce a
// check of an answer given before.
bool not_a_check(std::string_view text, size_t cue_start) {
  size_t from = cue_start > 30 ? cue_start - 30 : 0;
  std::string before = to_lower_ascii(text.substr(from, cue_start - from));
  for (const char* verb : {"check", "verify", "confirm"})
    if (before.find(verb) != std::string::npos) return false;
  return true;
}

// "#### 18" (GSM8K) but not a markdown header "#### Step 1".
bool number_follows(std::string_view text, size_t i) {
  while (i < text.size() && text[i] == ' ') ++i;
  return i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '-' ||
                             text[i] == '$' || text[i] == '.');
}

// "Final Answer: 18", "**Final Answer**\n18", but not "to get the final answer, we ...".
bool label_follows(std::string_view text, size_t i) {
  while (i < text.size() && (text[i] == '*' || text[i] == ' ')) ++i;
  return i >= text.size() || text[i] == ':' || text[i] == '\n';
}

}  // namespace

std::optional<BoxedAnswer> find_last_boxed(std::string_view text) {
  // Each unclosed box costs a scan to the end of the text: give up after a few of them.
  constexpr int kMaxUnclosedBoxes = 8;
  size_t search_end = text.size();
  for (int attempt = 0; attempt <= kMaxUnclosedBoxes; ++attempt) {
    size_t boxed = search_end == 0 ? std::string_view::npos : text.rfind("\\boxed", search_end - 1);
    size_t fbox = search_end == 0 ? std::string_view::npos : text.rfind("\\fbox", search_end - 1);
    size_t pos = boxed == std::string_view::npos ? fbox
                 : fbox == std::string_view::npos ? boxed
                                                  : std::max(boxed, fbox);
    if (pos == std::string_view::npos) return std::nullopt;
    size_t after = pos + (pos == boxed ? 6 : 5);
    size_t i = after;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '{') {
      if (auto close = matching_brace(text, i)) return BoxedAnswer{pos, std::string(text.substr(i + 1, *close - i - 1))};
    } else if (i > after && i < text.size()) {
      // "\boxed 5": one token
      size_t j = i;
      while (j < text.size() && !is_space(text[j]) && text[j] != '$') ++j;
      if (j > i) return BoxedAnswer{pos, std::string(text.substr(i, j - i))};
    }
    search_end = pos;
  }
  return std::nullopt;
}

std::string_view first_sentence(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && is_space(text[begin])) ++begin;
  for (size_t i = begin; i < text.size(); ++i)
    if (sentence_ends_at(text, i)) return text.substr(begin, i - begin);
  return text.substr(begin);
}

std::string_view last_sentence(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && is_space(text[end - 1])) --end;
  // a final full stop belongs to the sentence, not before it
  size_t scan_end = end > 0 && text[end - 1] == '.' ? end - 1 : end;
  for (size_t i = scan_end; i > 0; --i)
    if (sentence_ends_at(text.substr(0, end), i - 1)) return trim_view(text.substr(i, end - i));
  return trim_view(text.substr(0, end));
}

std::optional<AnswerCue> find_last_answer_cue(std::string_view completion) {
  static const CueSpec kCues[] = {
      {"####", "gsm8k_marker", number_follows},
      {"final answer is", "answer_is", nullptr},
      {"final answer", "answer_is", label_follows},
      {"answer is", "answer_is", nullptr},
      {"answer:", "answer_is", nullptr},
      {"answers are", "answer_is", nullptr},
      {"answer would be", "answer_is", nullptr},
      {"answer will be", "answer_is", nullptr},
      {"answer should be", "answer_is", nullptr},
      {"answer =", "answer_is", nullptr},
  };
  std::string lower = to_lower_ascii(completion);
  std::optional<AnswerCue> best;
  size_t best_end = 0;
  for (const auto& cue : kCues) {
    std::string_view phrase(cue.phrase);
    size_t pos = lower.size();
    while (pos > 0 && (pos = lower.rfind(phrase, pos - 1)) != std::string::npos) {
      size_t end = pos + phrase.size();
      bool about_answer = phrase.find("answer") != std::string_view::npos;
      if ((!cue.valid || cue.valid(completion, end)) && (!about_answer || not_a_check(completion, pos))) {
        if (!best || pos > best->position || (pos == best->position && end > best_end)) {
          best = AnswerCue{pos, {}, cue.method};
          best_end = end;
        }
        break;
      }
    }
    if (pos == std::string::npos) continue;
  }
  if (!best) return std::nullopt;
  best->text = first_sentence(completion.substr(skip_cue_punctuation(completion, best_end)));
  return best;
}

std::optional<AnswerCue> find_last_trailing_cue(std::string_view completion) {
  std::string lower = to_lower_ascii(completion);
  std::optional<size_t> best;
  for (const char* phrase : {"is the answer", "is the correct answer", "is the final answer",
                             "is the right answer", "is our answer", "are the answers"}) {
    size_t pos = lower.rfind(phrase);
    if (pos != std::string::npos && (!best || pos > *best)) best = pos;
  }
  if (!best) return std::nullopt;
  return AnswerCue{*best, last_sentence(completion.substr(0, *best)), "is_the_answer"};
}

}  // namespace regenesis
