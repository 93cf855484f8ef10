// Multi-step arithmetic word problems: a person's number of things changes N times (buys, finds,
// is given, gives away, loses, sells, doubles, triples, keeps one of k equal boxes).
// arith_chain: 2-4 changes (in domain); long_chain: 5-6 changes (out of domain).
#include <memory>

#include "data/toy_families_impl.h"

namespace regenesis {
namespace {

struct Chain {
  const ToyPerson* person = nullptr;
  std::string things;
  long start = 0;
  std::vector<ToyOp> ops;
};

std::optional<ToyWorked> work_chain(const Chain& c, const ToyPerturbation& p) {
  ToyWorked worked;
  long value = c.start;
  for (size_t j = 0; j < c.ops.size(); ++j) {
    const bool here = p.step == static_cast<int>(j);
    if (here && p.kind == ToyInjection::SkippedStep) continue;
    auto next = apply_toy_op(c.ops[j], value, p.habit);
    if (!next) return std::nullopt;
    long shown = *next;
    if (here && p.kind == ToyInjection::WrongStep) shown += p.delta;
    if (shown < 0) return std::nullopt;
    std::string text = toy_op_step(c.ops[j], *c.person, c.things, value, shown, p.habit);
    // The first step that is written down says where the count starts.
    if (worked.steps.empty())
      text = c.person->name + " starts with " + num(value) + " " + c.things + ". " + text;
    worked.steps.push_back(std::move(text));
    value = shown;
  }
  if (worked.steps.empty()) return std::nullopt;
  worked.final_answer = num(value);
  return worked;
}

}  // namespace

ToyProblem make_chain_problem(ToyRng& rng, int min_ops, int max_ops) {
  auto c = std::make_shared<Chain>();
  auto people = pick_people(rng, 2);
  c->person = people[0];
  c->things = rng.pick(toy_objects());
  c->start = rng.uniform(2, 20);
  const int count = rng.uniform(min_ops, max_ops);
  int muls_left = 2;
  bool div_left = true;
  long value = c->start;
  for (int i = 0; i < count; ++i) {
    c->ops.push_back(random_toy_op(rng, value, true, muls_left, div_left, people[1]));
    value = *apply_toy_op(c->ops.back(), value);
  }
  const ToyPerson& p = *c->person;

  ToyProblem problem;
  Question& q = problem.question;
  q.question = p.name + " has " + num(c->start) + " " + c->things + ".";
  for (size_t j = 0; j < c->ops.size(); ++j)
    q.question.append(" ").append(toy_op_sentence(c->ops[j], p, c->things, j > 0));
  q.question += " How many " + c->things + " does " + p.name + " have now?";
  q.answer = num(value);
  q.answer_type = AnswerType::Number;
  problem.step_count = count;

  ToyBrief& b = problem.brief;
  b.goal = "how many " + c->things + " " + p.name + " has at the end";
  b.facts = p.name + " starts with " + num(c->start) + " " + c->things + " and the number changes " +
            num(count) + " times";
  b.steps = "one step for each of the " + num(count) + " changes";
  b.running = p.name + "'s " + c->things + " after each change";
  b.compare = "the number after each change with the number before it";
  b.clues = "take the changes in the order they happen";
  b.check = "each calculation";
  b.plan.push_back("Start with the " + num(c->start) + " " + c->things + " " + p.name + " has.");
  for (const auto& op : c->ops) b.plan.push_back(toy_op_plan(op, p, c->things));
  b.plan.push_back("Give the number of " + c->things + " " + p.name + " has at the end.");
  b.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Steps, ToyRole::Running, ToyRole::Check};
  problem.work = [c](const ToyPerturbation& perturbation) { return work_chain(*c, perturbation); };
  return problem;
}

}  // namespace regenesis
