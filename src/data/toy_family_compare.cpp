// "Who has more": two people start with some things and each has one or two changes; the answer
// is the choice naming the one with more at the end (2-3 change steps + 1 comparison step).
#include <cstdlib>
#include <memory>

#include "data/toy_families_impl.h"

namespace regenesis {
namespace {

struct Side {
  const ToyPerson* person = nullptr;
  long start = 0;
  std::vector<ToyOp> ops;
};

struct Compare {
  Side sides[2];
  std::string things;
};

long final_value(const Side& side) {
  long value = side.start;
  for (const auto& op : side.ops) value = *apply_toy_op(op, value);
  return value;
}

std::optional<ToyWorked> work_compare(const Compare& c, const ToyPerturbation& p) {
  ToyWorked worked;
  long totals[2] = {0, 0};
  int step = 0;
  for (int s = 0; s < 2; ++s) {
    const Side& side = c.sides[s];
    long value = side.start;
    bool first = true;
    for (const auto& op : side.ops) {
      const bool here = p.step == step++;
      if (here && p.kind == ToyInjection::SkippedStep) continue;
      auto next = apply_toy_op(op, value);
      if (!next) return std::nullopt;
      long shown = *next + (here && p.kind == ToyInjection::WrongStep ? p.delta : 0);
      if (shown < 0) return std::nullopt;
      std::string text = toy_op_step(op, *side.person, c.things, value, shown);
      if (first) text = side.person->name + " starts with " + num(value) + " " + c.things + ". " + text;
      first = false;
      worked.steps.push_back(std::move(text));
      value = shown;
    }
    totals[s] = value;
  }
  // The comparison step: leaving it out leaves no answer; getting it wrong names the other one.
  const bool here = p.step == step;
  if (here && p.kind == ToyInjection::SkippedStep) return std::nullopt;
  if (totals[0] == totals[1]) return std::nullopt;
  int winner = totals[0] > totals[1] ? 0 : 1;
  if (here && p.kind == ToyInjection::WrongStep) winner = 1 - winner;
  // The answer names the person, not the letter: a 4-layer model maps names to letters at chance
  // (measured: fine-tuned models answered every compare question with one letter), and the
  // grader reads a choice's text as that choice.
  const std::string& name = c.sides[winner].person->name;
  worked.steps.push_back(c.sides[0].person->name + " has " + num(totals[0]) + " " + c.things + " and " +
                         c.sides[1].person->name + " has " + num(totals[1]) + " " + c.things + ", so " + name +
                         " has more " + c.things + ".");
  worked.final_answer = name;
  return worked;
}

}  // namespace

ToyProblem make_compare_problem(ToyRng& rng) {
  auto c = std::make_shared<Compare>();
  c->things = rng.pick(toy_objects());
  auto people = pick_people(rng, 3);
  // Close totals (1 to 6 apart), so leaving out or misreading one change can flip the answer.
  for (;;) {
    const int first_ops = rng.uniform(1, 2);
    const int second_ops = first_ops == 2 ? 1 : rng.uniform(1, 2);
    for (int s = 0; s < 2; ++s) {
      Side& side = c->sides[s];
      side.person = people[static_cast<size_t>(s)];
      side.start = rng.uniform(2, 20);
      side.ops.clear();
      int muls_left = 0;
      bool div_left = false;
      long value = side.start;
      for (int i = 0; i < (s == 0 ? first_ops : second_ops); ++i) {
        side.ops.push_back(random_toy_op(rng, value, false, muls_left, div_left, people[2]));
        value = *apply_toy_op(side.ops.back(), value);
      }
    }
    const long diff = std::labs(final_value(c->sides[0]) - final_value(c->sides[1]));
    if (diff >= 1 && diff <= 6) break;
  }
  const Side& a = c->sides[0];
  const Side& b = c->sides[1];

  ToyProblem problem;
  Question& q = problem.question;
  for (const Side* side : {&a, &b}) {
    if (!q.question.empty()) q.question += " ";
    q.question += side->person->name + " has " + num(side->start) + " " + c->things + ".";
    for (size_t j = 0; j < side->ops.size(); ++j)
      q.question.append(" ").append(toy_op_sentence(side->ops[j], *side->person, c->things, j > 0));
  }
  q.question += " Who has more " + c->things + " now? (A) " + a.person->name + " (B) " + b.person->name;
  q.choices = {"(A) " + a.person->name, "(B) " + b.person->name};
  q.answer = final_value(a) > final_value(b) ? "A" : "B";
  q.answer_type = AnswerType::Choice;
  problem.step_count = static_cast<int>(a.ops.size() + b.ops.size()) + 1;

  ToyBrief& br = problem.brief;
  br.goal = "who has more " + c->things + " at the end, " + a.person->name + " or " + b.person->name;
  br.facts = a.person->name + " starts with " + num(a.start) + " " + c->things + " and " + b.person->name +
             " starts with " + num(b.start) + " " + c->things;
  br.steps = "one step for each change, then one step to compare";
  br.running = "each person's " + c->things + " after each change";
  br.compare = a.person->name + "'s and " + b.person->name + "'s " + c->things + " at the end";
  br.clues = "follow each person's changes in order";
  br.check = "each calculation";
  for (const Side* side : {&a, &b})
    br.plan.push_back("Work out how many " + c->things + " " + side->person->name + " has after " +
                      side->person->possessive + " changes.");
  br.plan.push_back("Compare the two numbers.");
  br.plan.push_back("Give the letter of the person with more " + c->things + ".");
  br.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Steps, ToyRole::Running, ToyRole::Compare,
                 ToyRole::Check};
  problem.work = [c](const ToyPerturbation& perturbation) { return work_compare(*c, perturbation); };
  return problem;
}

}  // namespace regenesis
