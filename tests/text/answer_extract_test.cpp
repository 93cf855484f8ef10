// Boxes, cues, sentences and LaTeX normalization: the pieces extract_answer is built from.
#include <gtest/gtest.h>

#include "text/answer.h"
#include "text/answer_cues.h"
#include "text/answer_latex.h"
#include "text/answer_math.h"

namespace regenesis {
namespace {

TEST(LastBoxed, NestedBracesFboxAndBareTokens) {
  EXPECT_EQ(last_boxed_content("so \\boxed{\\frac{1}{2}}."), "\\frac{1}{2}");
  EXPECT_EQ(last_boxed_content("\\boxed{a{b{c}}d}"), "a{b{c}}d");
  EXPECT_EQ(last_boxed_content("\\fbox{5}"), "5");
  EXPECT_EQ(last_boxed_content("$\\boxed 5$"), "5");
  EXPECT_EQ(last_boxed_content("\\boxed{1} then \\fbox{2} then \\boxed{3}"), "3");
  EXPECT_EQ(last_boxed_content("\\boxed{\\{1,2\\}}"), "\\{1,2\\}");
  EXPECT_EQ(last_boxed_content("\\boxed{3} and then \\boxed{4"), "3");  // cut off at the end
  EXPECT_EQ(last_boxed_content("\\boxed{}"), "");
  EXPECT_FALSE(last_boxed_content("no box here").has_value());
  EXPECT_FALSE(last_boxed_content("\\boxed{unclosed").has_value());
}

TEST(AnswerCues, LastCueAndItsSentence) {
  auto cue = find_last_answer_cue("The answer is 5. Wait, the answer is 7. Done.");
  ASSERT_TRUE(cue.has_value());
  EXPECT_EQ(cue->text, "7");
  EXPECT_STREQ(cue->method, "answer_is");
  cue = find_last_answer_cue("Work.\n#### 1,234");
  ASSERT_TRUE(cue.has_value());
  EXPECT_STREQ(cue->method, "gsm8k_marker");
  EXPECT_EQ(cue->text, "1,234");
  EXPECT_FALSE(find_last_answer_cue("#### Step 1\nno marker with a number").has_value());
  EXPECT_FALSE(find_last_answer_cue("To get the final answer, we add.").has_value());
  EXPECT_FALSE(find_last_answer_cue("We can check our answer: 3*6 = 18").has_value());
  cue = find_last_answer_cue("**Final Answer:**\n\n 3.5 cm. More text.");
  ASSERT_TRUE(cue.has_value());
  EXPECT_EQ(cue->text, "3.5 cm");
  auto trailing = find_last_trailing_cue("First 2+2. So 4 is the answer.");
  ASSERT_TRUE(trailing.has_value());
  EXPECT_EQ(trailing->text, "So 4");
}

TEST(AnswerCues, SentencesSkipAbbreviationsAndDecimals) {
  EXPECT_EQ(first_sentence("  3.5 is it. Then more"), "3.5 is it");
  EXPECT_EQ(first_sentence("Mrs. Hilt wins. Yes"), "Mrs. Hilt wins");
  EXPECT_EQ(first_sentence("3:30 p.m. exactly. Next"), "3:30 p.m. exactly");
  EXPECT_EQ(first_sentence("line one\nline two"), "line one");
  EXPECT_EQ(last_sentence("First. Second one."), "Second one.");
}

TEST(LatexNormalization, CanonicalForms) {
  EXPECT_EQ(normalize_math_answer("\\dfrac{1}{2}"), "\\frac{1}{2}");
  EXPECT_EQ(normalize_math_answer("\\frac12"), "\\frac{1}{2}");
  EXPECT_EQ(normalize_math_answer("\\frac 1{72}"), "\\frac{1}{72}");
  EXPECT_EQ(normalize_math_answer("\\sqrt3"), "\\sqrt{3}");
  EXPECT_EQ(normalize_math_answer("\\left( 1, 2 \\right)"), "( 1, 2 )");
  EXPECT_EQ(normalize_math_answer("75,\\!075"), "75075");
  EXPECT_EQ(normalize_math_answer("11,\\! 111,\\! 100"), "11111100");
  EXPECT_EQ(normalize_math_answer("90{,}900"), "90900");
  EXPECT_EQ(normalize_math_answer("139^\\circ"), "139");
  EXPECT_EQ(normalize_math_answer("100\\%"), "100");
  EXPECT_EQ(normalize_math_answer("-\\$0.50"), "-0.50");
  EXPECT_EQ(normalize_math_answer("135\\text{ square feet}"), "135");
  EXPECT_EQ(normalize_math_answer("440\\text{ cm}^2"), "440");
  EXPECT_EQ(normalize_math_answer("18 dollars."), "18");
  EXPECT_EQ(normalize_math_answer("\\text{(P)}"), "(P)");
  EXPECT_EQ(normalize_math_answer("19 \\text{ and }43"), "19 ,43");
  EXPECT_EQ(normalize_math_answer(".5"), "0.5");
  EXPECT_EQ(normalize_math_answer("\\boxed{7}"), "7");
  EXPECT_EQ(normalize_math_answer("\\mbox{four}"), "4");
  EXPECT_EQ(normalize_math_answer("5\\,\\text{km}"), "5");
  EXPECT_EQ(math_string_key("2 \\pi r"), "2\\pi r");
  EXPECT_EQ(math_string_key("\\frac{ 1 }{ 8 }"), "\\frac{1}{8}");
}

TEST(MathEquivalence, StructuresNeedMatchingShapes) {
  EXPECT_TRUE(math_answers_equivalent("(-\\infty,-7) \\cup (1,2)", "(-\\infty, -7)\\cup(1, 2)"));
  EXPECT_FALSE(math_answers_equivalent("(1,2) \\cup (-\\infty,-7)", "(-\\infty,-7) \\cup (1,2)"));
  EXPECT_FALSE(math_answers_equivalent("(1,2,3)", "(1,2)"));
  EXPECT_FALSE(math_answers_equivalent("(2,1)", "(1,2)"));  // tuples keep their order
  EXPECT_TRUE(math_answers_equivalent("2, 1", "1,2"));      // solution lists do not
  EXPECT_TRUE(math_answers_equivalent("\\begin{pmatrix} 3 & 2 \\\\ 0 & -7 \\end{pmatrix}",
                                      "\\begin{bmatrix} 3 & 2 \\\\ 0 & -7 \\end{bmatrix}"));
  EXPECT_FALSE(math_answers_equivalent("\\begin{pmatrix} 3 & 2 \\\\ 0 & 7 \\end{pmatrix}",
                                       "\\begin{pmatrix} 3 & 2 \\\\ 0 & -7 \\end{pmatrix}"));
  EXPECT_TRUE(math_answers_equivalent("\\{1\\pm\\sqrt{5},-2\\}", "\\{-2, 1+\\sqrt5, 1-\\sqrt5\\}"));
  EXPECT_TRUE(math_answers_equivalent("\\begin{pmatrix} -4/9 \\\\ 1/9 \\end{pmatrix}",
                                      "\\begin{pmatrix} -\\frac49 \\\\ \\frac19 \\end{pmatrix}"));
  EXPECT_FALSE(math_answers_equivalent("", "5"));
  EXPECT_FALSE(math_answers_equivalent("x < 3", "x \\le 3"));
  EXPECT_TRUE(math_answers_equivalent("x<3", "x < 3"));
}

TEST(AnswerRobustness, HugeAndPathologicalInputsAreHandled) {
  std::string digits(100000, '7');
  std::string parens(100000, '(');
  std::string braces = std::string(50000, '{') + "\\boxed{" + std::string(50000, '}');
  std::string mixed;
  for (int k = 0; k < 5000; ++k) mixed += "(A) answer is option B \\boxed{ $x$ = 3/4 ";
  for (const std::string* text : {&digits, &parens, &braces, &mixed})
    for (auto type : {AnswerType::Number, AnswerType::Choice, AnswerType::YesNo, AnswerType::Math, AnswerType::Text}) {
      Verdict v = grade_completion(*text, "A", type, {"(A) x", "(B) y"});
      if (v.extracted) EXPECT_LE(v.extracted->text.size(), text->size());
    }
  // a 100,000-digit number is found, but is no exact rational
  auto v = grade_completion(digits, "7", AnswerType::Number);
  ASSERT_TRUE(v.extracted.has_value());
  EXPECT_EQ(v.extracted->method, "last_number");
  EXPECT_FALSE(v.correct);
  EXPECT_FALSE(answers_match(std::string(6000, '1'), std::string(6000, '1') + "2", AnswerType::Math));
}

}  // namespace
}  // namespace regenesis
