#pragma once
// Independent answer keys for the toy families, for the tests: each reads only the question
// TEXT (never the generator's internals), builds the arithmetic expression and evaluates it with
// text/answer_expr.h, or brute-forces every order of an ordering puzzle.
#include <optional>
#include <string>

#include "data/question.h"

namespace regenesis::toy_test {

// The expression a chain question describes ("((5+3)-2)*2"), or nullopt when the text does not
// parse; `ops` gets the number of changes.
std::optional<std::string> chain_expression(const std::string& question, int* ops = nullptr);
// The gold answer computed independently, as text comparable with answers_match; nullopt when the
// question text cannot be read (a test failure).
std::optional<std::string> independent_answer(const Question& q);
// Ordering puzzles: how many orders satisfy every clue (the generator promises exactly one).
int consistent_orders(const std::string& question);

}  // namespace regenesis::toy_test
