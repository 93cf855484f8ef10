// The bug-compatible official exact match (PAPER.md section 3): each documented quirk, and the
// difference from the regular grader where it matters.
#include <gtest/gtest.h>

#include "text/answer.h"
#include "text/answer_official.h"

namespace regenesis {
namespace {

TEST(OfficialMatch, TruthNormalisation) {
  EXPECT_EQ(official_normalize_truth(".5"), "0.5");
  EXPECT_EQ(official_normalize_truth("1,234"), "1234");
  EXPECT_EQ(official_normalize_truth("18.00"), "18");
  EXPECT_EQ(official_normalize_truth("10.05"), "105");
  EXPECT_EQ(official_normalize_truth(" 25% "), "25");
}

TEST(OfficialMatch, NumericQuirks) {
  EXPECT_TRUE(official_regenesis_match("so \\boxed{18}", "18"));
  EXPECT_TRUE(official_regenesis_match("so \\boxed{\\$1,234}", "1234"));
  EXPECT_TRUE(official_regenesis_match("\\boxed{105}", "10.05"));  // ".0" deleted on both sides
  EXPECT_FALSE(answers_match("105", "10.05", AnswerType::Number));  // the regular grader says no
  EXPECT_TRUE(official_regenesis_match("\\boxed{18.0}", "18"));
  EXPECT_TRUE(official_regenesis_match("\\boxed{3 + 4 = 7}", "7"));  // the last number
  EXPECT_TRUE(official_regenesis_match("\\boxed{7 = 3 + 4}", "7"));  // the first number
  EXPECT_FALSE(official_regenesis_match("\\boxed{2 + 7 + 3}", "7"));  // a middle number is no candidate
  EXPECT_TRUE(official_regenesis_match("no box, the total is 42 eggs", "42"));  // whole path
  EXPECT_TRUE(official_regenesis_match("\\boxed{-5}", "5"));  // the sign is lost
}

TEST(OfficialMatch, NonNumericTruthsNeedADigitInTheBox) {
  EXPECT_FALSE(official_regenesis_match("\\boxed{True}", "True"));
  EXPECT_FALSE(official_regenesis_match("\\boxed{(A) apples}", "(A) apples"));
  EXPECT_TRUE(official_regenesis_match("\\boxed{(A) 2 apples}", "(A) 2 apples"));
  EXPECT_TRUE(official_regenesis_match("\\boxed{x = -5}", "-5"));   // substring branch for "-"
  EXPECT_TRUE(official_regenesis_match("\\boxed{-52}", "-5"));      // ... which is loose
  EXPECT_TRUE(grade_completion("\\boxed{True}", "yes", AnswerType::YesNo).correct);
}

}  // namespace
}  // namespace regenesis
