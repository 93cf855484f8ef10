// The grader's behaviour as a table of hand-written cases: a completion (or a predicted answer),
// the gold answer, and the expected verdict. Every tricky case named in PAPER.md section 3/10 and
// ANCHORS.md section 2 has a row.
#include <gtest/gtest.h>

#include "text/answer.h"

namespace regenesis {
namespace {

using T = AnswerType;
const std::vector<std::string> kNone;
const std::vector<std::string> kFruit = {"(A) apples", "(B) pears", "(C) plums", "(D) figs"};
const std::vector<std::string> kThree = {"(A) red", "(B) green", "(C) blue"};
const std::vector<std::string> kNli = {"(A) entailment", "(B) neutral", "(C) contradiction"};
const std::vector<std::string> kAnimals = {"(A) a cat", "(B) a bird"};
const std::vector<std::string> kValues = {"(A) 5", "(B) 0.5", "(C) 12", "(D) 7!", "(E) None of these"};

// A whole completion: extraction, then matching.
struct GradeCase {
  const char* completion;
  const char* gold;
  T type;
  const std::vector<std::string>* choices;
  bool correct;
  const char* extracted;  // expected extracted text; nullptr: not checked; "": nothing extracted
};

const GradeCase kGradeCases[] = {
    // ---- number
    {"The answer is 18.", "18", T::Number, &kNone, true, "18"},
    {"Janet sells 9 eggs.\n#### 18", "18", T::Number, &kNone, true, "18"},
    {"So she makes \\boxed{18} dollars every day.", "18", T::Number, &kNone, true, "18"},
    {"In total she pays $1,234.50 for everything", "1234.5", T::Number, &kNone, true, "1234.50"},
    {"He earns 18 dollars per day.", "18", T::Number, &kNone, true, "18"},
    {"The percentage is 18%.", "18", T::Number, &kNone, true, "18%"},
    {"The answer is -5.", "-5", T::Number, &kNone, true, "-5"},
    {"The answer is 3/4", "0.75", T::Number, &kNone, true, "3/4"},
    {"The answer is 10.05", "105", T::Number, &kNone, false, "10.05"},
    {"The answer is 105", "10.05", T::Number, &kNone, false, "105"},
    {"The answer is 18.", "17", T::Number, &kNone, false, "18"},
    {"The final answer is 7.", "7", T::Number, &kNone, true, "7"},
    {"\\boxed{18}. I hope the answer is correct.", "18", T::Number, &kNone, true, "18"},
    {"The answer is \\boxed{\\frac{3}{4}}", "0.75", T::Number, &kNone, true, nullptr},
    {"Answer: 42", "42", T::Number, &kNone, true, "42"},
    {"**Answer:** 42", "42", T::Number, &kNone, true, "42"},
    {"**Final Answer**\n42", "42", T::Number, &kNone, true, "42"},
    {"First 3 + 4 = 7, then 7 * 2 = 14. The answer is 14 apples.", "14", T::Number, &kNone, true, "14"},
    {"The answer is 3 \\times 6 = 18", "18", T::Number, &kNone, true, "18"},
    {"#### Step 1\nWe compute 5 + 5 = 10.\n#### Step 2\nThen 10 * 2 = 20.", "20", T::Number, &kNone, true, "20"},
    {"At night it is \u22127 degrees.", "-7", T::Number, &kNone, true, "-7"},
    {"The temperature drops to -12 degrees.", "-12", T::Number, &kNone, true, "-12"},
    {"The answer is 1,000,000.", "1000000", T::Number, &kNone, true, "1000000"},
    {"The answer is 1,000,000.", "1000001", T::Number, &kNone, false, "1000000"},
    {"The answer is 1/3", "0.333", T::Number, &kNone, true, "1/3"},
    {"So x = 2.50", "2.5", T::Number, &kNone, true, "2.50"},
    {"The answer is 18.0", "18", T::Number, &kNone, true, "18.0"},
    {"The answer is 17.99", "18", T::Number, &kNone, false, "17.99"},
    {"Adding them up, 18 is the answer.", "18", T::Number, &kNone, true, "18"},
    {"The answer is 5, because 2 + 3 = 5", "5", T::Number, &kNone, true, "5"},
    {"There is nothing to count here.", "5", T::Number, &kNone, false, ""},
    {"The answer is 1.4300000000000002", "1.43", T::Number, &kNone, true, nullptr},
    {"The answer is 2.46", "2.5", T::Number, &kNone, false, "2.46"},
    {"The answer is 12.5%", "0.125", T::Number, &kNone, true, "12.5%"},
    {"\\boxed{\\$18.00}", "18", T::Number, &kNone, true, "18.00"},
    {"\\boxed{18 \\text{ dollars}}", "18", T::Number, &kNone, true, "18"},
    {"The trip takes 7/2 hours", "3.5", T::Number, &kNone, true, "7/2"},
    {"The answer is \\frac{7}{2}", "3.5", T::Number, &kNone, true, nullptr},
    {"Answer: 2\\frac{1}{2}", "2.5", T::Number, &kNone, true, nullptr},
    {"The answer is .5", "0.5", T::Number, &kNone, true, ".5"},
    {"On 12/25/2020 the total was 9", "9", T::Number, &kNone, true, "9"},
    {"The answer is 10.5", "105", T::Number, &kNone, false, "10.5"},
    {"She saves $-3 each week? No: the answer is $3.", "3", T::Number, &kNone, true, "3"},
    {"Each box holds 12 eggs, so 5 boxes hold 60 eggs.", "60", T::Number, &kNone, true, "60"},
    {"The answer is not 5. It is \\boxed{6}.", "6", T::Number, &kNone, true, "6"},
    {"We can check our answer: 3 * 6 = 18. So \\boxed{18}", "18", T::Number, &kNone, true, "18"},
    {"\\boxed{18}\n\nLet me verify that the answer is 18: 9 * 2 = 18.", "18", T::Number, &kNone, true, "18"},
    {"The answer is $\\boxed{1,200}$.", "1200", T::Number, &kNone, true, "1200"},
    {"So the final answer is: 0.25", "1/4", T::Number, &kNone, true, "0.25"},
    {"The answer is 33.33", "33.333333", T::Number, &kNone, true, "33.33"},
    {"The answer is 33.3", "33.333333", T::Number, &kNone, false, "33.3"},
    {"The answer is 1 3/4", "1.75", T::Number, &kNone, true, "1 3/4"},
    {"He needs -1 1/2 cups", "-1.5", T::Number, &kNone, true, "-1 1/2"},
    {"I would say the answer is that she makes 18 dollars.", "18", T::Number, &kNone, true, "18"},
    {"The answer is a total of 18 eggs.", "18", T::Number, &kNone, true, "18"},
    // ---- choice
    {"The answer is (B).", "B", T::Choice, &kFruit, true, "B"},
    {"The answer is B) pears", "B", T::Choice, &kFruit, true, "B"},
    {"I think option B is best.", "B", T::Choice, &kFruit, true, "B"},
    {"\\boxed{B}", "B", T::Choice, &kFruit, true, "B"},
    {"\\boxed{(A) apples}", "A", T::Choice, &kFruit, true, "A"},
    {"The answer is apples.", "A", T::Choice, &kFruit, true, "A"},
    {"The answer is pears", "A", T::Choice, &kFruit, false, "B"},
    {"Answer: C", "C", T::Choice, &kThree, true, "C"},
    {"The correct answer is D", "C", T::Choice, &kThree, false, ""},
    {"(A) is wrong because of the heat, so (C) is right.", "C", T::Choice, &kThree, true, "C"},
    {"A bird in the hand is worth two. The answer is (C)", "C", T::Choice, &kThree, true, "C"},
    {"The answer is A bird", "B", T::Choice, &kAnimals, true, "B"},
    {"The hypothesis is neither supported nor refuted.\n\nThe answer is neutral.", "B", T::Choice, &kNli, true, "B"},
    {"\\boxed{\\text{(C)}}", "C", T::Choice, &kNli, true, "C"},
    {"\\boxed{contradiction}", "C", T::Choice, &kNli, true, "C"},
    {"\\boxed{\\frac{1}{2}}", "B", T::Choice, &kValues, true, "B"},
    {"The answer is (b)", "B", T::Choice, &kFruit, true, "B"},
    {"So the answer is (A).", "A", T::Choice, &kThree, true, "A"},
    {"There are 7 letters, so 7*6*5*4*3*2*1 = 7! ways.\nD", "D", T::Choice, &kValues, true, "D"},
    {"Going both ways takes 13 hours.\nE)", "E", T::Choice, &kValues, true, "E"},
    {"The answer is C: plums.", "C", T::Choice, &kFruit, true, "C"},
    {"The answer is \\boxed{D}", "A", T::Choice, &kFruit, false, "D"},
    {"Between red and green, I pick green.", "B", T::Choice, &kThree, true, "B"},
    {"Option (D) figs is correct.", "D", T::Choice, &kFruit, true, "D"},
    {"The answer is 12", "C", T::Choice, &kValues, true, "C"},
    {"I cannot decide.", "A", T::Choice, &kThree, false, ""},
    // ---- yes/no
    {"Yes. Crabs are small.", "yes", T::YesNo, &kNone, true, "yes"},
    {"The answer is no.", "no", T::YesNo, &kNone, true, "no"},
    {"\\boxed{No}", "no", T::YesNo, &kNone, true, "no"},
    {"\\boxed{\\text{Yes}}", "yes", T::YesNo, &kNone, true, "yes"},
    {"TRUE", "yes", T::YesNo, &kNone, true, "yes"},
    {"false", "no", T::YesNo, &kNone, true, "no"},
    {"So the answer is: False", "no", T::YesNo, &kNone, true, "no"},
    {"Yes", "no", T::YesNo, &kNone, false, "yes"},
    {"The crab's legs span 12 feet and the mattress is 6 feet long. So no.", "no", T::YesNo, &kNone, true, "no"},
    {"The answer is True.", "yes", T::YesNo, &kNone, true, "yes"},
    {"Hmm, hard to say.", "yes", T::YesNo, &kNone, false, ""},
    {"Gauss's brain was studied after his death.\n\\boxed{yes}", "no", T::YesNo, &kNone, false, "yes"},
    // ---- math
    {"so the answer is $\\boxed{\\frac{1}{2}}$.", "\\frac12", T::Math, &kNone, true, "\\frac{1}{2}"},
    {"\\boxed{0.5}", "\\frac{1}{2}", T::Math, &kNone, true, "0.5"},
    {"\\boxed{\\dfrac{3}{4}}", "\\frac34", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}", "\\left( 3, \\frac{\\pi}{2} \\right)", T::Math, &kNone, true, nullptr},
    {"\\boxed{(3, \\pi/2)}", "\\left( 3, \\frac{\\pi}{2} \\right)", T::Math, &kNone, true, nullptr},
    {"\\boxed{x=5}", "5", T::Math, &kNone, true, "x=5"},
    {"\\boxed{5}", "x = 5", T::Math, &kNone, true, "5"},
    {"\\boxed{10^\\circ}", "10", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\$18.50}", "18.50", T::Math, &kNone, true, nullptr},
    {"\\boxed{2\\sqrt{2}}", "\\sqrt{8}", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\sqrt{2}}", "1.414", T::Math, &kNone, false, nullptr},
    {"\\boxed{(1,2]}", "(1,2)", T::Math, &kNone, false, nullptr},
    {"\\boxed{[-3,-2] \\cup [0,1]}", "[-3,-2]\\cup[0,1]", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\begin{pmatrix}1\\\\2\\end{pmatrix}}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", T::Math, &kNone, true, nullptr},
    {"\\boxed{(1,2)}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", T::Math, &kNone, true, nullptr},
    {"\\boxed{3, 1}", "1,3", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\{1,2\\}}", "\\{2,1\\}", T::Math, &kNone, true, "\\{1,2\\}"},
    {"\\boxed{1 \\pm \\sqrt{19}}", "1+\\sqrt{19}, 1-\\sqrt{19}", T::Math, &kNone, true, nullptr},
    {"\\boxed{75,075}", "75,\\!075", T::Math, &kNone, true, nullptr},
    {"\\boxed{70, 110}", "70,110", T::Math, &kNone, true, nullptr},
    {"\\boxed{70110}", "70,110", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\text{(C)}}", "\\text{(C)}", T::Math, &kNone, true, nullptr},
    {"\\boxed{1200_7}", "1200_{7}", T::Math, &kNone, true, nullptr},
    {"\\boxed{x^2+2x+1}", "(x+1)^2", T::Math, &kNone, true, nullptr},
    {"\\boxed{x^2+2x}", "(x+1)^2", T::Math, &kNone, false, nullptr},
    {"\\boxed{y = 2x + 3}", "2x - y + 3 = 0", T::Math, &kNone, true, nullptr},
    {"\\boxed{y = 2x + 4}", "y=2x+3", T::Math, &kNone, false, nullptr},
    {"\\boxed{\\frac{1}{2004!}}", "\\frac{1}{2006!}", T::Math, &kNone, false, nullptr},
    {"\\boxed{\\frac{1}{2^{99}}}", "\\frac{1}{2^{98}}", T::Math, &kNone, false, nullptr},
    {"\\boxed{-2 + 7i}", "7i - 2", T::Math, &kNone, true, nullptr},
    {"\\boxed{135 \\text{ square feet}}", "135", T::Math, &kNone, true, nullptr},
    {"\\boxed{100\\%}", "100", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\frac{2}{4}}", "\\frac12", T::Math, &kNone, true, nullptr},
    {"\\boxed{6\\frac{1}{4}}", "\\frac{25}{4}", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\pi}", "3.14", T::Math, &kNone, false, nullptr},
    {"The final answer is $\\frac{7}{2}$. I hope it is correct.", "3.5", T::Math, &kNone, true, "\\frac{7}{2}"},
    {"\\boxed{(-\\infty, 2)}", "(-\\infty,2)", T::Math, &kNone, true, nullptr},
    {"\\boxed{(-\\infty, 2]}", "(-\\infty,2)", T::Math, &kNone, false, nullptr},
    {"\\boxed{3\\sqrt{3}}", "\\sqrt{27}", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\sqrt[3]{-8}}", "-2", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\binom{5}{2}}", "10", T::Math, &kNone, true, nullptr},
    {"\\boxed{5!}", "120", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\text{even}}", "\\text{even}", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\text{even}}", "\\text{odd}", T::Math, &kNone, false, nullptr},
    {"\\boxed{A, C, F}", "\\text{A,C,F}", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\sin x}", "\\sin x", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\sin x}", "\\cos x", T::Math, &kNone, false, nullptr},
    {"\\boxed{2\\pi r}", "2 \\pi r", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{\\sqrt{2}}{2}", T::Math, &kNone, true, nullptr},
    {"\\boxed{0.0011_{2}}", "0.0011_2", T::Math, &kNone, true, nullptr},
    {"\\boxed{3}", "3.0", T::Math, &kNone, true, nullptr},
    {"\\boxed{-\\frac{1}{2}}", "-0.5", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\frac{-1}{2}}", "-\\frac12", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\frac{1}{3}}", "0.333", T::Math, &kNone, false, nullptr},
    {"\\boxed{4t}", "4t", T::Math, &kNone, true, nullptr},
    {"\\boxed{(a+5)(b+2)}", "(b+2)(a+5)", T::Math, &kNone, true, nullptr},
    {"\\boxed{2^{10}}", "1024", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\frac{x^2}{16} - \\frac{y^2}{9} = 1}", "\\frac{x^2}{16} - \\frac{y^2}{9} = 1", T::Math, &kNone, true, nullptr},
    {"Thus $x = \\frac{3}{2}$, so the answer is $\\frac{3}{2}$.", "\\frac32", T::Math, &kNone, true, "\\frac{3}{2}"},
    {"We get $4 \\cdot 16 = 64$.", "64", T::Math, &kNone, true, nullptr},
    {"The answer is 289 - 225 = 64.", "64", T::Math, &kNone, true, nullptr},
    {"\\boxed{\\dfrac{\\sqrt{3}}{2}}", "\\frac{\\sqrt3}{2}", T::Math, &kNone, true, nullptr},
    {"\\boxed{0.1}", "10\\%", T::Math, &kNone, false, nullptr},
    {"The value is 0.5.", "\\frac12", T::Math, &kNone, true, "0.5"},
    {"This is a remark with no answer at all.", "5", T::Math, &kNone, false, ""},
    // ---- text
    {"The answer is Bryan.", "Bryan", T::Text, &kNone, true, "Bryan"},
    {"\\boxed{3:30 pm}", "3:30 p.m.", T::Text, &kNone, true, "3:30 pm"},
    {"The answer is April 24.", "24 April", T::Text, &kNone, true, "April 24"},
    {"The answer is Sara.", "John", T::Text, &kNone, false, "Sara"},
    {"\\boxed{\\text{They are equal}}", "They are equal", T::Text, &kNone, true, nullptr},
    {"The answer is Mrs. Hilt.", "Mrs. Hilt", T::Text, &kNone, true, "Mrs. Hilt"},
    {"So it was a Wednesday.\nWednesday", "Wednesday", T::Text, &kNone, true, "Wednesday"},
    {"The answer is Bryan because he ran 5 km while Mary ran 3 km.", "Bryan", T::Text, &kNone, true, nullptr},
    {"The answer is Mary because Bryan ran less.", "Bryan", T::Text, &kNone, false, nullptr},
};

TEST(AnswerCases, GradeCompletions) {
  int checked = 0;
  for (const auto& c : kGradeCases) {
    SCOPED_TRACE(std::string("completion: ") + c.completion + " | gold: " + c.gold + " | type: " + answer_type_name(c.type));
    Verdict v = grade_completion(c.completion, c.gold, c.type, *c.choices);
    EXPECT_EQ(v.correct, c.correct) << "extracted: " << (v.extracted ? v.extracted->text + " via " + v.extracted->method : "<none>");
    if (c.extracted && std::string(c.extracted).empty()) {
      EXPECT_FALSE(v.extracted.has_value()) << "extracted " << v.extracted->text << " via " << v.extracted->method;
    } else if (c.extracted) {
      ASSERT_TRUE(v.extracted.has_value());
      EXPECT_EQ(v.extracted->text, c.extracted) << "via " << v.extracted->method;
    }
    ++checked;
  }
  EXPECT_GE(checked, 150);
}

// Predicted answers already extracted: equivalence only.
struct MatchCase {
  const char* predicted;
  const char* gold;
  T type;
  const std::vector<std::string>* choices;
  bool match;
};

const MatchCase kMatchCases[] = {
    {"1,234", "1234", T::Number, &kNone, true},
    {"1234.0", "1234", T::Number, &kNone, true},
    {"0.75", "3/4", T::Number, &kNone, true},
    {"10.05", "105", T::Number, &kNone, false},
    {"18%", "18", T::Number, &kNone, true},
    {"18%", "0.18", T::Number, &kNone, true},
    {"-3", "3", T::Number, &kNone, false},
    {"3.14159", "3.14", T::Number, &kNone, true},
    {"3.15", "3.14", T::Number, &kNone, false},
    {"\\frac{6}{8}", "0.75", T::Number, &kNone, true},
    {"$5", "5", T::Number, &kNone, true},
    {"five", "5", T::Number, &kNone, true},
    {"(A) apples", "A", T::Choice, &kFruit, true},
    {"A", "(A)", T::Choice, &kFruit, true},
    {"apples", "A", T::Choice, &kFruit, true},
    {"B", "A", T::Choice, &kFruit, false},
    {"option B", "B", T::Choice, &kFruit, true},
    {"yes", "True", T::YesNo, &kNone, true},
    {"no", "yes", T::YesNo, &kNone, false},
    {"\\frac{1}{2}", "0.5", T::Math, &kNone, true},
    {"\\tfrac{1}{2}", "\\frac{1}{2}", T::Math, &kNone, true},
    {"\\left(1, 2\\right)", "(1,2)", T::Math, &kNone, true},
    {"x \\in [2, 5]", "[2,5]", T::Math, &kNone, true},
    {"2,\\!598,\\!960", "2598960", T::Math, &kNone, true},
    {"90{,}900{,}909", "90900909", T::Math, &kNone, true},
    {"\\sqrt3", "\\sqrt{3}", T::Math, &kNone, true},
    {"12.000", "12", T::Math, &kNone, true},
    {"\\text{June 20}", "June 20", T::Math, &kNone, true},
};

TEST(AnswerCases, MatchExtractedAnswers) {
  for (const auto& c : kMatchCases) {
    SCOPED_TRACE(std::string("predicted: ") + c.predicted + " | gold: " + c.gold + " | type: " + answer_type_name(c.type));
    EXPECT_EQ(answers_match(c.predicted, c.gold, c.type, *c.choices), c.match);
  }
}

}  // namespace
}  // namespace regenesis
