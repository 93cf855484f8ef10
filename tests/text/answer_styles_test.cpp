// Whole completions in the styles instruction-tuned models write (markdown steps, restated
// options, a box at the end, a fine-tuned model's box-less ending, a truncated box, ...).
#include <gtest/gtest.h>

#include "text/answer.h"

namespace regenesis {
namespace {

struct Style {
  const char* name;
  const char* completion;
  const char* gold;
  AnswerType type;
  std::vector<std::string> choices;
  const char* extracted;
};

const Style kStyles[] = {
    {"markdown steps, boxed at the end",
     "Let's solve this step by step.\n\n**Step 1: Eggs laid**\nJanet's ducks lay 16 eggs per day.\n\n"
     "**Step 2: Eggs used**\nShe eats 3 and bakes with 4, so 3 + 4 = 7 eggs.\n\n"
     "**Step 3: Eggs sold**\n16 - 7 = 9 eggs, at $2 each: 9 × $2 = $18.\n\n"
     "Therefore, Janet makes $\\boxed{18}$ dollars every day at the farmers' market.",
     "18", AnswerType::Number, {}, "18"},
    {"fine-tuned model: box stripped, plain ending",
     "Let's think step by step.\n\n1. Janet's ducks lay 16 eggs.\n2. She uses 3 + 4 = 7.\n"
     "3. She sells 16 - 7 = 9 eggs for 9 * 2 = 18 dollars.\n\nThe answer is 18",
     "18", AnswerType::Number, {}, "18"},
    {"box left open by the end of generation",
     "She sells 9 eggs at $2, so she makes $18.\n\nFinal answer: \\boxed{18",
     "18", AnswerType::Number, {}, "18"},
    {"markdown bold final answer line",
     "Step 1: 48 / 2 = 24 clips in May.\nStep 2: 48 + 24 = 72.\n\n**Final Answer: 72**",
     "72", AnswerType::Number, {}, "72"},
    {"answer line with units and currency",
     "The total cost is 3 * $12.50 = $37.50.\n\nAnswer: $37.50",
     "37.5", AnswerType::Number, {}, "37.50"},
    {"a wrong intermediate box corrected later",
     "At first I get \\boxed{20}. Wait, I forgot the 2 eggs she gives away: 20 - 2 = 18.\n\nThe answer is \\boxed{18}.",
     "18", AnswerType::Number, {}, "18"},
    {"choice with restated options, answer in a box",
     "The options are:\n(A) dry palms\n(B) wet palms\n(C) palms covered with oil\n(D) palms covered with lotion\n\n"
     "Friction is highest on dry skin, so rubbing dry palms produces the most heat.\n\n\\boxed{A}",
     "A", AnswerType::Choice, {"(A) dry palms", "(B) wet palms", "(C) palms covered with oil", "(D) palms covered with lotion"}, "A"},
    {"choice answered by its text",
     "Rubbing dry hands creates the most friction.\n\nThe answer is: dry palms.",
     "A", AnswerType::Choice, {"(A) dry palms", "(B) wet palms", "(C) palms covered with oil", "(D) palms covered with lotion"}, "A"},
    {"choice: Llama style 'the correct answer is (X) text'",
     "Let me analyze each option.\n\n(A) is incorrect because density does not change.\n"
     "(B) is incorrect: years depend on the orbit.\n\nThe correct answer is (C) Planetary days will become shorter.",
     "C", AnswerType::Choice,
     {"(A) Planetary density will decrease.", "(B) Planetary years will become longer.",
      "(C) Planetary days will become shorter.", "(D) Planetary gravity will become stronger."}, "C"},
    {"BBH tracking objects, few-shot style ending",
     "Claire and Bob swap: Bob has Lolita. Bob and Alice swap: Bob has Ulysses. Claire and Bob swap: Bob has Lolita... "
     "let me recheck: at the end Bob has Frankenstein. So the answer is (B).",
     "B", AnswerType::Choice, {"(A) Ulysses", "(B) Frankenstein", "(C) Lolita"}, "B"},
    {"ANLI label word in a box",
     "The premise says the cat slept on the mat, which implies it was on the mat.\n\n\\boxed{\\text{entailment}}",
     "A", AnswerType::Choice, {"(A) entailment", "(B) neutral", "(C) contradiction"}, "A"},
    {"AQuA value instead of letter",
     "15% of 200 is 0.15 × 200 = 30.\n\nThe answer is \\boxed{30}.",
     "B", AnswerType::Choice, {"(A) 20", "(B) 30", "(C) 35", "(D) 40", "(E) 45"}, "B"},
    {"StrategyQA: reasoning then a boxed word",
     "The largest crustacean is the Japanese spider crab with a 12-foot leg span. A king-size mattress is "
     "about 6 feet 8 inches long. No, it cannot stretch out fully.\n\n\\boxed{No}",
     "no", AnswerType::YesNo, {}, "no"},
    {"StrategyQA: bold verdict first",
     "**Yes.** Gauss's brain was preserved and studied; it showed unusually developed convolutions, "
     "but the question is about normal structure... overall it was a normal human brain.",
     "yes", AnswerType::YesNo, {}, "yes"},
    {"StrategyQA: True/False answer cue",
     "Goldfish cannot breathe outside water and cannot operate a car.\nAnswer: False",
     "no", AnswerType::YesNo, {}, "no"},
    {"MATH: box inside display math, prose after",
     "We have $r = \\sqrt{0^2 + 3^2} = 3$ and $\\theta = \\frac{\\pi}{2}$.\n\n"
     "\\[\\boxed{\\left(3, \\frac{\\pi}{2}\\right)}\\]\n\nThis answer is in the required form since $r > 0$.",
     "\\left( 3, \\frac{\\pi}{2} \\right)", AnswerType::Math, {}, "\\left(3, \\frac{\\pi}{2}\\right)"},
    {"MATH: Minerva format",
     "Solving gives $x = -\\tfrac{5}{2}$.\nFinal Answer: The final answer is $-\\frac{5}{2}$. I hope it is correct.",
     "-\\frac52", AnswerType::Math, {}, "-\\frac{5}{2}"},
    {"MATH: no box, answer in the last display",
     "Combining the fractions, the sum is\n$$\\frac{1}{2}+\\frac{1}{3} = \\frac{5}{6}.$$",
     "\\frac{5}{6}", AnswerType::Math, {}, nullptr},
    {"MATH: interval answer with \\left/\\right",
     "The inequality holds for $x$ in \\boxed{\\left[ -\\frac{1}{2}, \\frac{1}{2} \\right]}.",
     "\\left[ -\\frac{1}{2}, \\frac{1}{2} \\right]", AnswerType::Math, {}, nullptr},
    {"ASDiv text answer",
     "Bryan ran 5 km and Mary ran 3 km, so Bryan ran farther.\n\nThe answer is Bryan.",
     "Bryan", AnswerType::Text, {}, "Bryan"},
};

TEST(AnswerStyles, RealisticCompletionsGradeCorrect) {
  for (const auto& s : kStyles) {
    SCOPED_TRACE(s.name);
    Verdict v = grade_completion(s.completion, s.gold, s.type, s.choices);
    EXPECT_TRUE(v.correct) << "extracted: " << (v.extracted ? v.extracted->text + " via " + v.extracted->method : "<none>");
    if (s.extracted && v.extracted) EXPECT_EQ(v.extracted->text, s.extracted);
  }
}

}  // namespace
}  // namespace regenesis
