#pragma once
// One generated toy question with everything the toy world knows about it: the gold answer, a
// worked solution that can be re-derived under an injected mistake, and the facts the stage
// replies (adapted guidelines, plan) are written from.
//
// A worked solution is "Let's think step by step.\n\n1. ...\n\n2. ...\n\nThe answer is
// \boxed{X}.": one paragraph per step, so the filter's step rewrite (pipeline/path_rewrite.h)
// finds the list in paragraph 1 and leaves the text as it is, and no step text ends in a bare
// number followed by '.', which the rewrite would take for a list marker.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/question.h"
#include "data/toy_random.h"

namespace regenesis {

enum class ToyInjection { None, WrongStep, SkippedStep };
const char* toy_injection_name(ToyInjection kind);  // "none", "wrong_step", "skipped_step"

// A mistake to make while working a problem.
struct ToyPerturbation {
  ToyInjection kind = ToyInjection::None;
  int step = -1;   // the gold step (0-based) whose result is wrong, or that is left out
  long delta = 0;  // WrongStep: how far the step's result is off (families scale it to units)
  // The habitual misreading (docs/TOY.md, "The habit"): "the number doubles/triples" worked as
  // adding 2 or 3. Independent of `kind`: a solution may have both. Only the chain families have it.
  bool habit = false;
};

struct ToyWorked {
  std::vector<std::string> steps;  // step texts without their "k. " numbers
  std::string final_answer;        // what goes into \boxed{}
};

// What a guideline is about; the toy prompt set's guidelines have one role each.
enum class ToyRole { Goal, Facts, Steps, Running, Compare, Clues, Check, Restart };

// The facts of one problem in short phrases, for the adapted guidelines and the plan.
struct ToyBrief {
  std::string goal;     // "how many apples Tom has at the end"
  std::string facts;    // "Tom starts with 5 apples and the number changes 3 times"
  std::string steps;    // "one step for each of the 3 changes"
  std::string running;  // "Tom's apples after each change"
  std::string compare;  // "the final number with the start to see if it makes sense"
  std::string clues;    // "follow the changes in the order they happen"
  std::string check;    // "each calculation"
  std::vector<std::string> plan;  // the reasoning structure, one action a line, last = the answer
  std::vector<ToyRole> relevant;  // the roles a good selection picks from
};

struct ToyProblem {
  Question question;  // id, text, gold answer, answer_type, choices, task, rationale (clean)
  int step_count = 0;
  ToyBrief brief;
  // The worked solution with a mistake (or none); nullopt when the mistake makes no sense here
  // (a value would go below zero, a division would not come out even, nothing would be left).
  std::function<std::optional<ToyWorked>(const ToyPerturbation&)> work;
};

// "Let's think step by step.\n\n1. a\n\n2. b\n\nThe answer is \boxed{X}."
std::string render_toy_solution(const ToyWorked& worked);

// The clean worked solution (the gold rationale).
std::string gold_toy_solution(const ToyProblem& problem);

// A worked solution of `problem` with a mistake of `kind` whose final answer does NOT match the
// gold answer (checked with text/answer.h), trying steps (and deltas) in a random order;
// nullopt when no such mistake exists for this problem. With `habit`, every step is also worked
// with the habitual misreading (nullopt when that makes no sense here, e.g. an uneven division).
std::optional<ToyWorked> inject_toy_error(const ToyProblem& problem, ToyInjection kind, ToyRng& rng,
                                          bool habit = false);

// Integer formatting helpers shared by the families.
std::string num(long value);
// Cents as dollars: 750 -> "7.50", 700 -> "7".
std::string dollars(long cents);

}  // namespace regenesis
