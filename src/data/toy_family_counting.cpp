// Counting: a person has 3-4 groups of coloured things; count those of one colour ("How many red
// things") or of one kind ("How many balls"), one step per group with a running total.
#include <memory>
#include <set>

#include "data/toy_families_impl.h"

namespace regenesis {
namespace {

struct Group {
  long count = 0;
  std::string color, things;
  bool counts = false;
};

struct Counting {
  const ToyPerson* person = nullptr;
  std::vector<Group> groups;
  std::string unit;  // "red things" or "balls"
};

std::optional<ToyWorked> work_counting(const Counting& c, const ToyPerturbation& p) {
  ToyWorked worked;
  long total = 0;
  for (size_t j = 0; j < c.groups.size(); ++j) {
    const Group& g = c.groups[j];
    const bool here = p.step == static_cast<int>(j);
    if (here && p.kind == ToyInjection::SkippedStep) continue;
    const std::string group = "The " + num(g.count) + " " + g.color + " " + g.things;
    if (!g.counts) {
      if (here && p.kind == ToyInjection::WrongStep) return std::nullopt;
      worked.steps.push_back(group + " do not count, so the total stays " + num(total) + " " + c.unit + ".");
      continue;
    }
    long next = total + g.count + (here && p.kind == ToyInjection::WrongStep ? p.delta : 0);
    if (next < 0) return std::nullopt;
    worked.steps.push_back(group + " count, so the total is " + num(total) + " + " + num(g.count) + " = " +
                           num(next) + " " + c.unit + ".");
    total = next;
  }
  if (worked.steps.empty()) return std::nullopt;
  worked.final_answer = num(total);
  return worked;
}

}  // namespace

ToyProblem make_counting_problem(ToyRng& rng) {
  auto c = std::make_shared<Counting>();
  c->person = pick_people(rng, 1)[0];
  const int group_count = rng.uniform(3, 4);
  const int matching = rng.uniform(2, group_count - 1);
  const bool by_color = rng.chance(0.5);
  const auto& colors = toy_colors();
  const auto& objects = toy_objects();
  const std::string wanted = by_color ? rng.pick(colors) : rng.pick(objects);
  std::set<std::pair<std::string, std::string>> used;
  while (static_cast<int>(c->groups.size()) < group_count) {
    Group g;
    g.counts = static_cast<int>(c->groups.size()) < matching;
    g.count = rng.uniform(2, 9);
    g.color = rng.pick(colors);
    g.things = rng.pick(objects);
    std::string& key = by_color ? g.color : g.things;
    if (g.counts) key = wanted;
    else if (key == wanted) continue;
    if (!used.insert({g.color, g.things}).second) continue;
    c->groups.push_back(g);
  }
  rng.shuffle(c->groups);
  c->unit = by_color ? wanted + " things" : wanted;
  const ToyPerson& p = *c->person;

  std::vector<std::string> listed;
  long answer = 0;
  for (const auto& g : c->groups) {
    listed.push_back(num(g.count) + " " + g.color + " " + g.things);
    if (g.counts) answer += g.count;
  }
  ToyProblem problem;
  Question& q = problem.question;
  q.question = p.name + " has " + join_with_and(listed) + ". How many " + c->unit + " does " + p.name + " have?";
  q.answer = num(answer);
  q.answer_type = AnswerType::Number;
  problem.step_count = group_count;

  ToyBrief& b = problem.brief;
  b.goal = "how many " + c->unit + " " + p.name + " has";
  b.facts = p.name + " has " + num(group_count) + " groups of things and " + num(matching) + " of them are " +
            c->unit;
  b.steps = "one step for each group";
  b.running = "the " + c->unit + " counted so far";
  b.compare = "each group with the question to see if it counts";
  b.clues = "look at the groups one by one";
  b.check = "each sum";
  b.plan = {"Go through the " + num(group_count) + " groups one by one.",
            by_color ? "Add each group that is " + wanted + " to the total." : "Add each group of " + wanted + " to the total.",
            "Skip the groups that do not count.", "Give the total number of " + c->unit + "."};
  b.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Steps, ToyRole::Running, ToyRole::Check};
  problem.work = [c](const ToyPerturbation& perturbation) { return work_counting(*c, perturbation); };
  return problem;
}

}  // namespace regenesis
