#pragma once
// Equivalence of two math answers (MATH-style LaTeX): normalization (answer_latex.h), then
// structure, then values (answer_expr.h).
//
// Structures: matrices (\begin{pmatrix}...; cell by cell), unions of intervals (\cup; piece by
// piece), tuples and intervals ("(1,2]"; bracket types must match, element by element), sets
// ("\{1,2\}") and bare lists ("1, 3"; in any order; "a \pm b" counts as two elements), equations
// ("y = 2x+3"; same sides, or lhs-rhs proportional), and scalars. "x = 5" matches "5" when the
// left side is a single variable. An answer written like a thousands-separated number ("70,110")
// is tried both as a list and as one number.
#include <string_view>

namespace regenesis {

bool math_answers_equivalent(std::string_view predicted, std::string_view gold);

// Scalar-only equivalence (no structure): string keys, then expressions.
bool math_scalars_equivalent(std::string_view predicted, std::string_view gold);

}  // namespace regenesis
