// Hostile completions for the answer extractor (docs/HARDENING.md, findings 6-8): inputs that
// overflowed the stack or took quadratic time, and differential checks that the hand-written
// scanners which replaced the regexes (and the one-pass \text{} unwrapping) give the results of
// the old code on many random short inputs.
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "text/answer.h"
#include "text/answer_choice.h"
#include "text/answer_latex.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// A random string made of `pieces`.
std::string random_text(std::mt19937& rng, const std::vector<std::string>& pieces, size_t max_pieces) {
  std::string out;
  size_t count = rng() % (max_pieces + 1);
  for (size_t k = 0; k < count; ++k) out += pieces[rng() % pieces.size()];
  return out;
}

// --- finding 6: a last line of spaces overflowed std::regex's recursion -------------------------

TEST(AnswerRobustness, ChoiceLastLineOfManySpacesDoesNotOverflowTheStack) {
  std::string completion = "The options are close.\n" + std::string(200'000, ' ') + "C" + std::string(200'000, ' ');
  auto a = extract_answer(completion, AnswerType::Choice, {"(A) 1", "(B) 2", "(C) 3"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "C");
  EXPECT_EQ(a->method, "last_line");
}

// The old regex of a label-only last line, as the reference for the scanner.
std::optional<std::string> label_line_by_regex(const std::string& completion) {
  static const std::regex kLabelLine(R"(^\s*\(?([A-Z])\)?[.):]?\s*$)");
  size_t end = completion.size();
  std::string line;
  while (end > 0) {  // the last line with a non-space character
    size_t start = completion.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string candidate = completion.substr(start, end - start);
    if (!trim(candidate).empty()) {
      line = candidate;
      break;
    }
    if (start == 0) break;
    end = start - 1;
  }
  size_t eq = line.rfind('=');
  std::string tail = eq == std::string::npos ? line : line.substr(eq + 1);
  std::smatch m;
  if (!std::regex_match(tail, m, kLabelLine)) return std::nullopt;
  return m[1].str();
}

TEST(AnswerRobustness, LabelLineScannerAgreesWithTheRegex) {
  std::mt19937 rng(6);
  const std::vector<std::string> pieces = {"A", "C", "Z", "a", "(", ")", ".", ":", ")", " ", "\t", "\n", "=", "x", "1"};
  const std::vector<std::string> choices = {"(A) 1", "(B) 2", "(C) 3", "(D) 4", "(E) 5"};
  int label_lines = 0;
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string completion = random_text(rng, pieces, 8);
    auto expected = label_line_by_regex(completion);
    auto a = extract_answer(completion, AnswerType::Choice, choices);
    bool by_line = a && a->method == "last_line";
    // a label the choices lack ("Z") falls through to the later steps, as before
    bool known = expected && (*expected)[0] - 'A' < static_cast<int>(choices.size());
    ASSERT_EQ(by_line, known) << "'" << completion << "'";
    if (known) {
      ASSERT_EQ(a->text, *expected) << "'" << completion << "'";
      ++label_lines;
    }
  }
  EXPECT_GT(label_lines, 500);  // the generator reaches the interesting cases
}

// --- finding 7: "answer" + spaces made the mention regex quadratic ------------------------------

TEST(AnswerRobustness, AnswerFollowedByManySpacesIsLinear) {
  std::string completion = "I think the answer" + std::string(300'000, ' ') + "is not clear. option" +
                           std::string(300'000, ' ') + "(B) maybe";
  // no cue sentence holds a letter, so the fallback's mention scan reads the whole text
  auto a = extract_answer(completion, AnswerType::Choice, {"(A) 1", "(B) 2"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "B");
}

// The old mention regex: the last capital letter it names, as the reference for the scanner.
std::optional<size_t> last_mention_by_regex(const std::string& s) {
  static const std::regex kPattern(
      R"(\(([A-Za-z])\)|\b(?:option|choice|answer)\s*(?:is\s*)?:?\s*\(?([A-Za-z])\b\)?)", std::regex::icase);
  std::optional<size_t> last;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPattern); it != std::sregex_iterator(); ++it) {
    char letter = (*it)[1].matched ? (*it)[1].str()[0] : (*it)[2].str()[0];
    if (letter >= 'A' && letter <= 'Z') last = static_cast<size_t>(letter - 'A');
  }
  return last;
}

TEST(AnswerRobustness, MentionScannerAgreesWithTheRegex) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"answer", "Answer", "OPTION", "choice", "is", "IS", " ", "  ", "\t", ":",
                                           "(", ")", "B", "C", "b", "x", "_", "1", ".", "answers", "("};
  int found = 0;
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string text = random_text(rng, pieces, 10);
    // no choices: every letter counts and no choice text can be found instead
    auto expected = last_mention_by_regex(text);
    ASSERT_EQ(last_choice_mention(text, {}), expected) << "'" << text << "'";
    if (expected) ++found;
  }
  EXPECT_GT(found, 300);  // the generator reaches the interesting cases
}

TEST(AnswerRobustness, ChoiceBodyWithManyLeadingSpaces) {
  EXPECT_EQ(choice_body(std::string(200'000, ' ') + "(C) twelve"), "twelve");
  EXPECT_EQ(choice_body(" b)  two words "), "two words");
  EXPECT_EQ(choice_body("(B two"), "(B two");  // no closing parenthesis: not a label
  EXPECT_EQ(choice_body("12)"), "12)");
}

// --- choices past the 26th have no letter ------------------------------------------------------

TEST(AnswerRobustness, ChoicesPastZAreNeverTheAnswer) {
  std::vector<std::string> choices;
  for (int k = 0; k < 30; ++k) choices.push_back("item" + std::to_string(k));
  // the text of the 29th choice was extracted as the "letter" ']', which then matched nothing
  EXPECT_FALSE(extract_answer("I pick item28", AnswerType::Choice, choices));
  EXPECT_FALSE(parse_choice("item28", choices));
  auto a = extract_answer("I pick item25", AnswerType::Choice, choices);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "Z");
  EXPECT_TRUE(answers_match(a->text, a->text, AnswerType::Choice, choices));
}

// --- finding 8: \text{} unwrapping rebuilt the string per command ----------------------------

// The old unwrap_command (one copy of the text per unwrapped command): the reference.
std::string unwrap_by_copying(std::string text, std::string_view name) {
  std::string pattern = "\\" + std::string(name);
  size_t pos = 0;
  while ((pos = text.find(pattern, pos)) != std::string::npos) {
    size_t brace = pos + pattern.size();
    while (brace < text.size() && text[brace] == ' ') ++brace;
    if (brace >= text.size() || text[brace] != '{') {
      pos += pattern.size();
      continue;
    }
    auto close = matching_brace(text, brace);
    if (!close) break;
    text = text.substr(0, pos) + text.substr(brace + 1, *close - brace - 1) + text.substr(*close + 1);
  }
  return text;
}

TEST(AnswerRobustness, UnwrapCommandAgreesWithTheCopyingVersion) {
  std::mt19937 rng(8);
  // pieces that nest, straddle ("\te" + "xt{") and escape braces
  const std::vector<std::string> pieces = {"\\text", "\\te", "xt", "{", "}", "{", "}", "\\{", "\\}", "\\", " ", "a", "\\textbf"};
  for (int trial = 0; trial < 50'000; ++trial) {
    std::string text = random_text(rng, pieces, 12);
    ASSERT_EQ(unwrap_command(text, "text"), unwrap_by_copying(text, "text")) << "'" << text << "'";
  }
}

TEST(AnswerRobustness, UnwrapCommandExamples) {
  EXPECT_EQ(unwrap_command("5\\text{ cm}", "text"), "5 cm");
  EXPECT_EQ(unwrap_command("\\text{\\text{a}b}c", "text"), "abc");
  EXPECT_EQ(unwrap_command("\\text{\\te}xt{a}", "text"), "a");   // re-formed after unwrapping
  EXPECT_EQ(unwrap_command("\\textbf{a}", "text"), "\\textbf{a}");  // another command
  EXPECT_EQ(unwrap_command("\\text{a\\}b}", "text"), "a\\}b");
  EXPECT_EQ(unwrap_command("\\text{a} \\text{b", "text"), "a \\text{b");  // unclosed: kept
}

TEST(AnswerRobustness, ManyTextCommandsAreUnwrappedInOnePass) {
  std::string text;
  for (int k = 0; k < 100'000; ++k) text += "\\text{a}";
  EXPECT_EQ(unwrap_command(text, "text"), std::string(100'000, 'a'));
  std::string nested;
  for (int k = 0; k < 20'000; ++k) nested += "\\text{";
  nested += "x" + std::string(20'000, '}');
  EXPECT_EQ(unwrap_command(nested, "text"), "x");
  // a 100,000-letter last line is too long to be a text answer (and is read in linear time)
  EXPECT_FALSE(extract_answer("Final line:\n" + text, AnswerType::Text));
  EXPECT_EQ(extract_answer("Final line:\n" + text.substr(0, 8 * 150), AnswerType::Text)->text, std::string(150, 'a'));
}

// --- long runs of trailing punctuation were trimmed one copy per character --------------------

TEST(AnswerRobustness, LongTrailingPunctuationIsCutOnce) {
  std::string dots(300'000, '.');
  EXPECT_TRUE(answers_match("42" + dots, "42", AnswerType::Number));
  auto a = extract_answer("so we get $x = 7" + dots + "$", AnswerType::Math);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "x = 7");
}

}  // namespace
}  // namespace regenesis
