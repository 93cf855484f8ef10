// Injected mistakes: always a wrong final answer (graded by text/answer.h), a wrong step whose
// error carries on (the later arithmetic is right for the wrong input), a skipped step that is
// really missing.
#include <gtest/gtest.h>

#include <regex>

#include "data/toy_families.h"
#include "text/answer.h"
#include "text/answer_expr.h"

namespace regenesis {
namespace {

struct Equation {
  std::string lhs, rhs;
  bool holds = false;
};

// Every "a op b [op c] = d" in a step, checked with the expression evaluator.
std::vector<Equation> equations(const std::string& step) {
  static const std::regex eq(R"((\d+(?:\.\d+)?(?: [-+*/] \d+(?:\.\d+)?)+) = (\d+(?:\.\d+)?))");
  std::vector<Equation> out;
  for (auto it = std::sregex_iterator(step.begin(), step.end(), eq); it != std::sregex_iterator(); ++it) {
    Equation e{(*it)[1].str(), (*it)[2].str()};
    auto l = Expr::parse(e.lhs), r = Expr::parse(e.rhs);
    auto lv = l ? l->evaluate({}) : std::nullopt, rv = r ? r->evaluate({}) : std::nullopt;
    e.holds = lv && rv && lv->exact && rv->exact && *lv->exact == *rv->exact;
    out.push_back(e);
  }
  return out;
}

int false_equations(const ToyWorked& w) {
  int bad = 0;
  for (const auto& step : w.steps)
    for (const auto& e : equations(step)) bad += e.holds ? 0 : 1;
  return bad;
}

bool arithmetic_family(const std::string& name) {
  return name == "arith_chain" || name == "long_chain" || name == "counting" || name == "money" || name == "time";
}

TEST(ToyInjection, MistakesAlwaysGiveAWrongAnswerAndCleanOnesARightOne) {
  for (const auto& family : toy_families()) {
    int wrong_found = 0, skip_found = 0;
    constexpr int kProblems = 200;
    for (int i = 0; i < kProblems; ++i) {
      const ToyProblem p = make_toy_problem(family, 21, static_cast<uint64_t>(i));
      const Question& q = p.question;
      ToyRng rng(static_cast<uint64_t>(i) * 7919);
      auto clean = inject_toy_error(p, ToyInjection::None, rng);
      ASSERT_TRUE(clean);
      EXPECT_TRUE(grade_completion(render_toy_solution(*clean), q.answer, q.answer_type, q.choices).correct);
      if (arithmetic_family(family.name)) EXPECT_EQ(false_equations(*clean), 0) << render_toy_solution(*clean);

      if (auto wrong = inject_toy_error(p, ToyInjection::WrongStep, rng)) {
        ++wrong_found;
        const std::string text = render_toy_solution(*wrong);
        EXPECT_FALSE(grade_completion(text, q.answer, q.answer_type, q.choices).correct) << text;
        EXPECT_EQ(wrong->steps.size(), clean->steps.size()) << text;
        // One slip, and every later step computes right from the wrong value. (A time step that
        // only reads a duration off the question, "takes exactly 45 minutes", shows no equation.)
        if (family.name == "time") EXPECT_LE(false_equations(*wrong), 1) << text;
        else if (arithmetic_family(family.name)) EXPECT_EQ(false_equations(*wrong), 1) << text;
      }
      if (auto skipped = inject_toy_error(p, ToyInjection::SkippedStep, rng)) {
        ++skip_found;
        const std::string text = render_toy_solution(*skipped);
        EXPECT_FALSE(grade_completion(text, q.answer, q.answer_type, q.choices).correct) << text;
        EXPECT_EQ(skipped->steps.size() + 1, clean->steps.size()) << text;
        if (arithmetic_family(family.name)) EXPECT_EQ(false_equations(*skipped), 0) << text;
      }
    }
    EXPECT_EQ(wrong_found, kProblems) << family.name;
    // A comparison that no single left-out change can flip, or a false yes/no claim that stays
    // false on the first number alone, admits no skipped step; the corpus then draws another.
    if (family.name == "compare" || family.name == "yesno_facts") EXPECT_GE(skip_found, kProblems / 3) << family.name;
    else EXPECT_EQ(skip_found, kProblems) << family.name;
  }
}

// In a chain, each step starts from the value the step before it wrote down, so a wrong result
// is carried to the end.
TEST(ToyInjection, ChainStepsCarryTheWrittenValue) {
  const std::regex has(R"((?:so \w+ has|starts with) (\d+))");
  for (int i = 0; i < 200; ++i) {
    const ToyProblem p = make_toy_problem(toy_family("long_chain"), 4, static_cast<uint64_t>(i));
    ToyRng rng(static_cast<uint64_t>(i));
    for (ToyInjection kind : {ToyInjection::None, ToyInjection::WrongStep, ToyInjection::SkippedStep}) {
      auto w = inject_toy_error(p, kind, rng);
      ASSERT_TRUE(w);
      std::string previous;
      for (const auto& step : w->steps) {
        auto eqs = equations(step);
        ASSERT_EQ(eqs.size(), 1u) << step;
        std::smatch m;
        ASSERT_TRUE(std::regex_search(step, m, has)) << step;
        if (!previous.empty()) EXPECT_EQ(eqs[0].lhs.substr(0, eqs[0].lhs.find(' ')), previous) << step;
        previous = eqs[0].rhs;
      }
      EXPECT_EQ(previous, w->final_answer);
    }
  }
}

// The habit reads "doubles"/"triples" as adding 2 or 3: those steps (and only those) change, their
// arithmetic is still right, and where a doubling or tripling changes the value the answer is wrong.
TEST(ToyInjection, HabitWorksDoublingsAndTriplingsAsAdditions) {
  const std::regex multiplied(R"((doubles|triples), so \w+ has (\d+) ([-+*/]) (\d+) = (\d+))");
  int with_habit = 0;
  for (const char* name : {"arith_chain", "long_chain", "compare", "counting"}) {
    for (int i = 0; i < 300; ++i) {
      const ToyProblem p = make_toy_problem(toy_family(name), 8, static_cast<uint64_t>(i));
      const Question& q = p.question;
      ToyRng a(static_cast<uint64_t>(i)), b(static_cast<uint64_t>(i));
      auto clean = inject_toy_error(p, ToyInjection::None, a);
      auto habit = inject_toy_error(p, ToyInjection::None, b, /*habit=*/true);
      ASSERT_TRUE(clean);
      const bool multiplies = q.question.find("doubles.") != std::string::npos ||
                              q.question.find("triples.") != std::string::npos;
      if (!multiplies) {
        ASSERT_TRUE(habit);
        EXPECT_EQ(render_toy_solution(*habit), render_toy_solution(*clean));
        continue;
      }
      if (!habit) continue;  // a later division no longer comes out even: the corpus draws another problem
      ++with_habit;
      EXPECT_EQ(false_equations(*habit), 0) << render_toy_solution(*habit);
      bool value_changed = false;
      int steps = 0;
      for (const auto& step : habit->steps) {
        std::smatch m;
        if (!std::regex_search(step, m, multiplied)) continue;
        ++steps;
        EXPECT_EQ(m[3].str(), "+") << step;
        EXPECT_EQ(m[4].str(), m[1].str() == "doubles" ? "2" : "3") << step;
        const long v = std::stol(m[2].str()), k = std::stol(m[4].str());
        value_changed = value_changed || v * k != v + k;
      }
      EXPECT_GT(steps, 0) << render_toy_solution(*habit);
      const bool right = grade_completion(render_toy_solution(*habit), q.answer, q.answer_type, q.choices).correct;
      if (value_changed) EXPECT_FALSE(right) << render_toy_solution(*habit);
    }
  }
  EXPECT_GT(with_habit, 100);  // doublings and triplings are common in the chain families
}

TEST(ToyInjection, SameGeneratorSameMistake) {
  const ToyProblem p = make_toy_problem(toy_family("arith_chain"), 1, 3);
  ToyRng a(99), b(99);
  auto x = inject_toy_error(p, ToyInjection::WrongStep, a);
  auto y = inject_toy_error(p, ToyInjection::WrongStep, b);
  ASSERT_TRUE(x && y);
  EXPECT_EQ(render_toy_solution(*x), render_toy_solution(*y));
}

}  // namespace
}  // namespace regenesis
