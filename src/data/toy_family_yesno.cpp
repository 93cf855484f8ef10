// Yes/no questions about arithmetic facts (out of domain): "Is 7 + 8 equal to 15?", "Is 6 times 4
// more than 20?", "Is 31 - 9 less than 25?", "Is 13 + 8 an even number?". Two steps: work out
// the value, then test the claim. Half of the answers are yes.
#include <algorithm>
#include <memory>

#include "data/toy_families_impl.h"

namespace regenesis {
namespace {

enum class Claim { Equal, More, Less, Even, Odd };

struct YesNo {
  Claim claim = Claim::Equal;
  char op = '+';  // '+', '*', '-'
  long a = 0, b = 0, c = 0;
};

long compute(const YesNo& y) { return y.op == '+' ? y.a + y.b : y.op == '*' ? y.a * y.b : y.a - y.b; }

bool holds(const YesNo& y, long value) {
  switch (y.claim) {
    case Claim::Equal: return value == y.c;
    case Claim::More: return value > y.c;
    case Claim::Less: return value < y.c;
    case Claim::Even: return value % 2 == 0;
    case Claim::Odd: return value % 2 != 0;
  }
  return false;
}

std::string claim_text(const YesNo& y, bool positive) {
  const std::string is = positive ? " is " : " is not ";
  switch (y.claim) {
    case Claim::Equal: return is + "equal to " + num(y.c);
    case Claim::More: return is + "more than " + num(y.c);
    case Claim::Less: return is + "less than " + num(y.c);
    case Claim::Even: return positive ? " is even" : " is odd";
    case Claim::Odd: return positive ? " is odd" : " is even";
  }
  return "";
}

std::optional<ToyWorked> work_yesno(const YesNo& y, const ToyPerturbation& p) {
  ToyWorked worked;
  long value = compute(y);
  if (p.step == 0 && p.kind == ToyInjection::SkippedStep) {
    value = y.a;  // the operation is forgotten: the claim is tested on the first number
  } else {
    if (p.step == 0 && p.kind == ToyInjection::WrongStep) value += p.delta;
    if (value < 0) return std::nullopt;
    const std::string verb = y.op == '-' ? "leaves " : "gives ";
    worked.steps.push_back("Work out " + num(y.a) + " " + std::string(1, y.op) + " " + num(y.b) + ", which " + verb +
                           num(value) + " as the result.");
  }
  if (p.step == 1 && p.kind == ToyInjection::SkippedStep) return std::nullopt;
  bool truth = holds(y, value);
  if (p.step == 1 && p.kind == ToyInjection::WrongStep) truth = !truth;  // a slip in the test itself
  worked.steps.push_back(num(value) + claim_text(y, truth) + ", so the statement is " + (truth ? "true." : "false."));
  worked.final_answer = truth ? "yes" : "no";
  return worked;
}

}  // namespace

ToyProblem make_yesno_problem(ToyRng& rng) {
  auto y = std::make_shared<YesNo>();
  const bool yes = rng.chance(0.5);
  const int form = rng.uniform(0, 3);
  if (form == 0) {  // sum equal to
    y->claim = Claim::Equal;
    y->a = rng.uniform(2, 50);
    y->b = rng.uniform(2, 50);
    y->c = y->a + y->b + (yes ? 0 : (rng.chance(0.5) ? 1 : -1) * rng.uniform(1, 3));
  } else if (form == 1) {  // product more than
    y->claim = Claim::More;
    y->op = '*';
    y->a = rng.uniform(2, 12);
    y->b = rng.uniform(2, 12);
    y->c = yes ? std::max<long>(1, y->a * y->b - rng.uniform(1, 10)) : y->a * y->b + rng.uniform(0, 10);
  } else if (form == 2) {  // difference less than
    y->claim = Claim::Less;
    y->op = '-';
    y->a = rng.uniform(10, 60);
    y->b = rng.uniform(2, static_cast<int>(y->a) - 2);
    const long d = y->a - y->b;
    y->c = yes ? d + rng.uniform(1, 10) : d - rng.uniform(0, static_cast<int>(std::min<long>(10, d - 1)));
  } else {  // parity of a sum
    y->a = rng.uniform(2, 50);
    y->b = rng.uniform(2, 50);
    const bool even = (y->a + y->b) % 2 == 0;
    y->claim = even == yes ? Claim::Even : Claim::Odd;
  }
  const YesNo& v = *y;
  ToyProblem problem;
  Question& q = problem.question;
  const std::string expr = num(v.a) + (v.op == '+' ? " + " : v.op == '*' ? " times " : " - ") + num(v.b);
  switch (v.claim) {
    case Claim::Equal: q.question = "Is " + expr + " equal to " + num(v.c) + "?"; break;
    case Claim::More: q.question = "Is " + expr + " more than " + num(v.c) + "?"; break;
    case Claim::Less: q.question = "Is " + expr + " less than " + num(v.c) + "?"; break;
    case Claim::Even: q.question = "Is " + expr + " an even number?"; break;
    case Claim::Odd: q.question = "Is " + expr + " an odd number?"; break;
  }
  q.answer = holds(v, compute(v)) ? "yes" : "no";
  q.answer_type = AnswerType::YesNo;
  problem.step_count = 2;

  ToyBrief& b = problem.brief;
  const std::string written = num(v.a) + " " + std::string(1, v.op) + " " + num(v.b);
  const bool parity = v.claim == Claim::Even || v.claim == Claim::Odd;
  b.goal = "whether the statement in the question is true";
  b.facts = "the numbers " + num(v.a) + " and " + num(v.b) + (parity ? " and the claim about the result" : " and " + num(v.c));
  b.steps = "work out the value, then test the claim";
  b.running = "the value worked out so far";
  b.compare = parity ? "the value with the rule for even numbers" : "the value with " + num(v.c);
  b.clues = "test the claim against the value";
  b.check = "the calculation";
  b.plan = {"Work out " + written + ".",
            parity ? std::string("Check if the result is even or odd.") : "Compare the result with " + num(v.c) + ".",
            "Answer yes if the claim holds and no if it does not."};
  b.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Compare, ToyRole::Check};
  problem.work = [y](const ToyPerturbation& perturbation) { return work_yesno(*y, perturbation); };
  return problem;
}

}  // namespace regenesis
