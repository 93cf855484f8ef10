// Numbers in text and numeric answers, rule by rule (answer_number.h).
#include <gtest/gtest.h>

#include "text/answer_number.h"

namespace regenesis {
namespace {

std::vector<std::string> texts(std::string_view s) {
  std::vector<std::string> out;
  for (const auto& lit : find_number_literals(s)) out.push_back(lit.text);
  return out;
}

TEST(NumberLiterals, FindsSignsSeparatorsFractionsAndPercents) {
  EXPECT_EQ(texts("She paid $1,234.50 for 3 items"), (std::vector<std::string>{"1234.50", "3"}));
  EXPECT_EQ(texts("x = -5 and 10-3"), (std::vector<std::string>{"-5", "10", "3"}));
  EXPECT_EQ(texts("a loss of -$20"), (std::vector<std::string>{"-20"}));
  EXPECT_EQ(texts("\u22127 degrees"), (std::vector<std::string>{"-7"}));
  EXPECT_EQ(texts("3/4 of 12/25/2020"), (std::vector<std::string>{"3/4", "12", "25", "2020"}));
  EXPECT_EQ(texts("18% and 7 \\% and 5 percent"), (std::vector<std::string>{"18%", "7%", "5%"}));
  EXPECT_EQ(texts("It ends at 18."), (std::vector<std::string>{"18"}));
  EXPECT_EQ(texts("half is .5 or \\frac{1}{2}"), (std::vector<std::string>{".5", "1/2"}));
  EXPECT_EQ(texts("1,2,3"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(texts("1,2345"), (std::vector<std::string>{"1", "2345"}));
  EXPECT_TRUE(find_number_literals("no digits").empty());
  auto lits = find_number_literals("cost: -$3.25");
  ASSERT_EQ(lits.size(), 1u);
  EXPECT_EQ(lits[0].exact, (Rational{-13, 4}));
  EXPECT_EQ(lits[0].decimals, 2);
  EXPECT_EQ(std::string("cost: -$3.25").substr(lits[0].begin, lits[0].end - lits[0].begin), "-$3.25");
}

TEST(NumberAnswers, ParseWholeAnswers) {
  auto value = [](std::string_view s) {
    auto n = parse_number_answer(s);
    return n && n->exact ? rational_to_string(*n->exact) : std::string("none");
  };
  EXPECT_EQ(value("$1,234.50"), "2469/2");
  EXPECT_EQ(value("18 dollars"), "18");
  EXPECT_EQ(value("\\frac{3}{4}"), "3/4");
  EXPECT_EQ(value("\\dfrac34"), "3/4");
  EXPECT_EQ(value("2 \\times 9 = 18"), "18");
  EXPECT_EQ(value("3 \\times 6"), "18");
  EXPECT_EQ(value("\\text{4}"), "4");
  EXPECT_EQ(value("seven"), "7");
  EXPECT_EQ(value("x = -2.5"), "-5/2");
  EXPECT_EQ(value("12 apples and 5 pears"), "12");
  EXPECT_EQ(value("no number"), "none");
  EXPECT_TRUE(parse_number_answer("75\\%")->percent);
  EXPECT_EQ(parse_number_answer("12 apples and 5 pears", true)->text, "5");
}

TEST(NumberAnswers, EquivalenceRules) {
  // 1. exact rationals
  EXPECT_TRUE(number_answers_match("0.75", "3/4"));
  EXPECT_FALSE(number_answers_match("10.05", "105"));
  // 2. integers are exact
  EXPECT_FALSE(number_answers_match("1000001", "1000000"));
  EXPECT_TRUE(number_answers_match("1000000.0", "1000000"));
  // 3. relative 1e-6 for non-integers
  EXPECT_TRUE(number_answers_match("1.43", "1.4300000000000002"));
  EXPECT_TRUE(number_answers_match("2.0000001", "2.0000002"));
  EXPECT_FALSE(number_answers_match("2.0001", "2.0002"));
  // 4. rounding to a decimal with >= 2 places, either side
  EXPECT_TRUE(number_answers_match("10/3", "3.333"));
  EXPECT_TRUE(number_answers_match("3.33", "3.333"));
  EXPECT_TRUE(number_answers_match("0.33", "1/3"));
  EXPECT_FALSE(number_answers_match("2.46", "2.5"));
  EXPECT_FALSE(number_answers_match("3.3", "3.333"));
  EXPECT_FALSE(number_answers_match("17.99", "18"));
  // 5. percent
  EXPECT_TRUE(number_answers_match("25%", "25"));
  EXPECT_TRUE(number_answers_match("25%", "0.25"));
  EXPECT_TRUE(number_answers_match("0.25", "25%"));
  EXPECT_FALSE(number_answers_match("25", "0.25"));  // no % sign: no rescaling
  // signs
  EXPECT_FALSE(number_answers_match("-3", "3"));
  EXPECT_TRUE(number_answers_match("\u22123", "-3"));
}

}  // namespace
}  // namespace regenesis
