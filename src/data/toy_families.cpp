#include "data/toy_families.h"

#include "data/toy_families_impl.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {

const char* toy_split_name(ToySplit split) { return split == ToySplit::In ? "in" : "out"; }

ToySplit parse_toy_split(std::string_view name) {
  if (name == "in") return ToySplit::In;
  if (name == "out") return ToySplit::Out;
  fail("split \"", std::string(name), "\" is not one of \"in\", \"out\"");
}

const std::vector<ToyFamily>& toy_families() {
  static const std::vector<ToyFamily> families = {
      {"arith_chain", ToySplit::In, AnswerType::Number,
       "a person's number of things changes 2-4 times (buys, gives away, doubles, ...); how many now?",
       [](ToyRng& rng) { return make_chain_problem(rng, 2, 4); }},
      {"compare", ToySplit::In, AnswerType::Choice,
       "two people start with some things and each has 1-2 changes; who has more? (A)/(B)",
       make_compare_problem},
      {"counting", ToySplit::In, AnswerType::Number,
       "3-4 groups of coloured things; how many of one colour or one kind?", make_counting_problem},
      {"long_chain", ToySplit::Out, AnswerType::Number,
       "like arith_chain with 5-6 changes", [](ToyRng& rng) { return make_chain_problem(rng, 5, 6); }},
      {"money", ToySplit::Out, AnswerType::Number,
       "prices in dollars and cents: the total of a purchase, or the change from a bill", make_money_problem},
      {"time", ToySplit::Out, AnswerType::Number,
       "hours and minutes: the sum of durations, or the minutes between two clock times", make_time_problem},
      {"ordering", ToySplit::Out, AnswerType::Choice,
       "3-5 friends and clues like 'Tom is taller than Ann'; who is the tallest/second oldest/...?",
       make_ordering_problem},
      {"yesno_facts", ToySplit::Out, AnswerType::YesNo,
       "is a sum/product/difference equal to, more than, less than a number, or even/odd? yes/no",
       make_yesno_problem},
  };
  return families;
}

const ToyFamily& toy_family(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& family : toy_families()) {
    if (family.name == name) return family;
    names.push_back(family.name);
  }
  fail("unknown toy family \"", std::string(name), "\" (known: ", join(names, ", "), ")");
}

std::vector<const ToyFamily*> toy_families_of(ToySplit split) {
  std::vector<const ToyFamily*> out;
  for (const auto& family : toy_families())
    if (family.split == split) out.push_back(&family);
  return out;
}

ToyProblem make_toy_problem(const ToyFamily& family, uint64_t seed, uint64_t index,
                            std::string_view stream_tag, std::string_view id_prefix) {
  ToyRng rng(toy_stream_seed(seed, std::string(stream_tag) + "/" + family.name, index));
  ToyProblem problem = family.make(rng);
  problem.question.id = std::string(id_prefix) + "-" + family.name + "-s" + std::to_string(seed) + "-" +
                        std::to_string(index);
  problem.question.task = family.name;
  problem.question.rationale = gold_toy_solution(problem);
  return problem;
}

std::vector<Question> generate_toy_questions(const std::vector<const ToyFamily*>& families, size_t n,
                                             uint64_t seed) {
  if (families.empty()) fail("no toy families to generate from");
  std::vector<Question> questions;
  questions.reserve(n);
  for (size_t i = 0; i < n; ++i)
    questions.push_back(make_toy_problem(*families[i % families.size()], seed, i).question);
  return questions;
}

}  // namespace regenesis
