#pragma once
// The toy world's question families and the seeded generator of question sets
// (`regenesis toy generate`). docs/TOY.md describes every family.
//
// In domain (the questions self-improvement trains on): arith_chain, compare, counting.
// Out of domain (evaluation only): long_chain, money, time, ordering, yesno_facts.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "data/question.h"
#include "data/toy_problem.h"

namespace regenesis {

enum class ToySplit { In, Out };
const char* toy_split_name(ToySplit split);  // "in", "out"
ToySplit parse_toy_split(std::string_view name);  // Error unless "in" or "out"

struct ToyFamily {
  std::string name;
  ToySplit split;
  AnswerType answer_type;
  std::string description;
  std::function<ToyProblem(ToyRng&)> make;
};

const std::vector<ToyFamily>& toy_families();
// Error naming the known families when `name` is not one of them.
const ToyFamily& toy_family(std::string_view name);
std::vector<const ToyFamily*> toy_families_of(ToySplit split);

// Problem `index` of `family` under `seed`, drawn from its own stream (stream tag + family name),
// so it does not depend on any other item. id = "<id_prefix>-<family>-s<seed>-<index>", task = family
// name, rationale = the clean worked solution.
ToyProblem make_toy_problem(const ToyFamily& family, uint64_t seed, uint64_t index,
                            std::string_view stream_tag = "questions",
                            std::string_view id_prefix = "toy");

// n questions; item i comes from families[i % families.size()] (so --all is balanced).
std::vector<Question> generate_toy_questions(const std::vector<const ToyFamily*>& families, size_t n,
                                             uint64_t seed);

}  // namespace regenesis
