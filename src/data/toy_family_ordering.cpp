// Ordering puzzles (out of domain): 3-5 friends, clues "X is taller than Y" / "Y is shorter than
// X"; who is the tallest, shortest, second tallest, ...? The clues always include every pair of
// neighbours in the hidden order (which is exactly what makes the order unique), sometimes one
// extra clue; the answer is a choice.
#include <memory>

#include "data/toy_families_impl.h"
#include "text/answer_choice.h"
#include "util/strings.h"

namespace regenesis {
namespace {

struct Relation {
  const char* more;   // "taller"
  const char* less;   // "shorter"
  const char* most;   // "tallest"
  const char* least;  // "shortest"
};

const std::vector<Relation>& relations() {
  static const std::vector<Relation> list = {{"taller", "shorter", "tallest", "shortest"},
                                             {"older", "younger", "oldest", "youngest"},
                                             {"faster", "slower", "fastest", "slowest"}};
  return list;
}

struct Ordering {
  Relation relation;
  std::vector<const ToyPerson*> listed;  // the order of the question and its choices
  std::vector<int> order;                // listed indices, from most to least
  int position = 0;                      // the asked place in `order`
  std::string asked;                     // "the second tallest"
};

std::optional<ToyWorked> work_ordering(const Ordering& o, const ToyPerturbation& p) {
  const int n = static_cast<int>(o.order.size());
  // A mistake about one pair of neighbours (a misread clue, or a clue left out and guessed)
  // swaps the two in the order the rest of the solution builds on.
  if (p.kind != ToyInjection::None && (p.step < 0 || p.step >= n - 1)) return std::nullopt;
  std::vector<int> order = o.order;
  if (p.kind != ToyInjection::None) std::swap(order[static_cast<size_t>(p.step)], order[static_cast<size_t>(p.step) + 1]);
  auto name = [&](int place) { return o.listed[static_cast<size_t>(order[static_cast<size_t>(place)])]->name; };
  ToyWorked worked;
  for (int i = 0; i + 1 < n; ++i) {
    if (p.kind == ToyInjection::SkippedStep && p.step == i) continue;
    worked.steps.push_back(name(i) + " is " + o.relation.more + " than " + name(i + 1) + ".");
  }
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(name(i));
  worked.steps.push_back(std::string("So from ") + o.relation.most + " to " + o.relation.least + " the order is " +
                         join_with_and(names) + ".");
  // The answer names the friend, as compare's names the person (the grader maps it to its choice).
  worked.steps.push_back(capitalize(o.asked) + " is " + name(o.position) + ".");
  worked.final_answer = name(o.position);
  return worked;
}

}  // namespace

ToyProblem make_ordering_problem(ToyRng& rng) {
  auto o = std::make_shared<Ordering>();
  o->relation = rng.pick(relations());
  const int n = rng.uniform(3, 5);
  o->listed = pick_people(rng, n);
  o->order = rng.distinct(n, n);
  // Clues: every pair of neighbours, maybe one more pair; each worded either way round.
  std::vector<std::pair<int, int>> pairs;  // (more, less) as places in the order
  for (int i = 0; i + 1 < n; ++i) pairs.push_back({i, i + 1});
  if (rng.chance(0.4)) {
    const int i = rng.uniform(0, n - 3);
    pairs.push_back({i, rng.uniform(i + 2, n - 1)});
  }
  rng.shuffle(pairs);
  auto name = [&](int place) { return o->listed[static_cast<size_t>(o->order[static_cast<size_t>(place)])]->name; };
  std::vector<std::string> clues;
  for (const auto& [more, less] : pairs)
    clues.push_back(rng.chance(0.5) ? name(more) + " is " + o->relation.more + " than " + name(less) + "."
                                    : name(less) + " is " + o->relation.less + " than " + name(more) + ".");
  std::vector<std::pair<int, std::string>> questions = {{0, std::string("the ") + o->relation.most},
                                                        {n - 1, std::string("the ") + o->relation.least}};
  if (n >= 4) {
    questions.push_back({1, std::string("the second ") + o->relation.most});
    questions.push_back({n - 2, std::string("the second ") + o->relation.least});
  }
  const auto& [position, asked] = rng.pick(questions);
  o->position = position;
  o->asked = asked;

  ToyProblem problem;
  Question& q = problem.question;
  std::vector<std::string> names;
  for (const auto* person : o->listed) names.push_back(person->name);
  q.question = join_with_and(names) + " are friends. " + join(clues, " ") + " Who is " + asked + "?";
  for (int i = 0; i < n; ++i) {
    q.choices.push_back("(" + choice_letter(static_cast<size_t>(i)) + ") " + names[static_cast<size_t>(i)]);
    q.question += " " + q.choices.back();
  }
  q.answer = choice_letter(static_cast<size_t>(o->order[static_cast<size_t>(position)]));
  q.answer_type = AnswerType::Choice;
  problem.step_count = n + 1;

  ToyBrief& b = problem.brief;
  b.goal = "who is " + asked;
  b.facts = "there are " + num(static_cast<long>(clues.size())) + " clues about " + num(n) + " friends";
  b.steps = "one step for each pair of neighbours, then the order";
  b.running = "the order found so far";
  b.compare = "two friends at a time";
  b.clues = std::string("put the friends in order from ") + o->relation.most + " to " + o->relation.least;
  b.check = "each clue against the order";
  b.plan = {std::string("Write each clue as who is ") + o->relation.more + " than who.",
            std::string("Chain the clues into one order from ") + o->relation.most + " to " + o->relation.least + ".",
            "Find who is " + asked + ".", "Give the letter of that option."};
  b.relevant = {ToyRole::Goal, ToyRole::Clues, ToyRole::Compare, ToyRole::Check};
  problem.work = [o](const ToyPerturbation& perturbation) { return work_ordering(*o, perturbation); };
  return problem;
}

}  // namespace regenesis
