#pragma once
// The makers of the toy families (one file each) and the wording of "has N things, then buys,
// gives, doubles, ..." that the chain and comparison families share. Internal to module data.
#include <optional>
#include <string>

#include "data/toy_problem.h"
#include "data/toy_world.h"

namespace regenesis {

// Each maker fills question (text, answer, answer_type, choices), step_count, brief and work;
// the registry (toy_families.cpp) adds id, task and rationale.
ToyProblem make_chain_problem(ToyRng& rng, int min_ops, int max_ops);
ToyProblem make_compare_problem(ToyRng& rng);
ToyProblem make_counting_problem(ToyRng& rng);
ToyProblem make_money_problem(ToyRng& rng);
ToyProblem make_time_problem(ToyRng& rng);
ToyProblem make_ordering_problem(ToyRng& rng);
ToyProblem make_yesno_problem(ToyRng& rng);

enum class ToyOpKind { Add, Sub, Mul, Div };

// One change to a person's number of things.
struct ToyOp {
  ToyOpKind kind = ToyOpKind::Add;
  long k = 0;                        // amount, factor or divisor
  int wording = 0;                   // which sentence (buys / finds / gets; gives / loses / sells)
  const ToyPerson* other = nullptr;  // the other person of "gives ... to Ann"
};

// A random change that keeps the value at 2 or more (at most `max_mul` doublings/triplings and
// one division per problem, tracked by the caller); kinds limited to Add/Sub when !arithmetic.
ToyOp random_toy_op(ToyRng& rng, long value, bool arithmetic, int& muls_left, bool& div_left,
                    const ToyPerson* other);
// The value after the change; nullopt when it would go below zero or not divide evenly. With
// `habit`, a doubling or tripling adds 2 or 3 instead (the habitual misreading).
std::optional<long> apply_toy_op(const ToyOp& op, long value, bool habit = false);
// "He buys 3 more apples." or, with `then`, "Then he buys 3 more apples."
std::string toy_op_sentence(const ToyOp& op, const ToyPerson& person, const std::string& things, bool then);
// "He buys 3 more, so he has 5 + 3 = 8 apples." (`result` may be a wrong value). With `habit`, a
// doubling or tripling is written as the habit works it: "The number triples, so he has 5 + 3 = 8".
std::string toy_op_step(const ToyOp& op, const ToyPerson& person, const std::string& things, long value,
                        long result, bool habit = false);
// "Add the 3 apples he buys."
std::string toy_op_plan(const ToyOp& op, const ToyPerson& person, const std::string& things);

}  // namespace regenesis
