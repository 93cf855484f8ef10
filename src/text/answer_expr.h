#pragma once
// A small parser and evaluator for the scalar expressions that appear in final answers:
// numbers, + - * / ^ !, implicit multiplication ("2x", "3\sqrt{2}", "(a+5)(b+2)"), \frac, \sqrt,
// \sqrt[n], \binom, \pi, i, |x|, \sin/\cos/\tan/\ln/\log/\exp and friends, single-letter and Greek
// variables, and LaTeX mixed numbers ("2\frac{1}{4}" is 9/4, as MATH writes them). "i" is the
// imaginary unit; "e" is a variable like any letter (MATH answers such as "7p+4e" use it so; both
// sides are read the same way, so "e^2" still equals "e^2").
//
// Why not a CAS: graders elsewhere call sympy; we have no Python at run time. Two expressions are
// equivalent when
//   * both are variable-free and evaluate exactly to rationals: the rationals are equal;
//   * otherwise their values (complex long double) agree within a relative 1e-9 of the magnitudes
//     involved, at one point, or at three fixed pseudo-random points for each variable when there
//     are variables (a polynomial-identity test: 2\sqrt2 == \sqrt8, x^2-1 == (x-1)(x+1)).
// The tolerance is relative to the size of the terms that were added, so 1/2^99 and 1/2^98 differ
// while \sqrt{2}-\sqrt{2} equals 0. Values that overflow (2004!) are never equal to anything.
#include <complex>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "text/answer_rational.h"

namespace regenesis {

struct ExprValue {
  std::optional<Rational> exact;      // set when the value is an exactly known rational
  std::complex<long double> approx;   // always set
  long double scale = 0;              // size of the largest term that went into the value
};

class Expr {
 public:
  enum class Op { Number, Variable, Imaginary, Pi, Neg, Add, Sub, Mul, Div, Pow, Sqrt, Root,
                  Factorial, Abs, Binom, Func };
  struct Node {
    Op op;
    std::optional<Rational> number;  // Number
    std::string name;                // Variable, Func
    std::vector<int> args;           // indices into nodes_
  };

  // Parses one scalar expression (LaTeX or plain: "\frac{1}{2}", "1/2", "sqrt(2)"). nullopt when
  // the text is not a single expression this grammar knows (tuples, equations, subscripts, ...).
  static std::optional<Expr> parse(std::string_view text);

  const std::set<std::string>& variables() const { return variables_; }
  // nullopt when the value is undefined or not finite (division by zero, overflow).
  std::optional<ExprValue> evaluate(const std::map<std::string, long double>& variables) const;

 private:
  friend class ExprParser;
  std::optional<ExprValue> eval_node(int index, const std::map<std::string, long double>& vars,
                                     int depth) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  std::set<std::string> variables_;
};

// The equivalence described at the top of this file.
bool expressions_equivalent(const Expr& a, const Expr& b);
// Values of lhs-rhs pairs that are nonzero multiples of each other at every sample point (the same
// equation "2x+4=0" vs "x=-2"); identically zero differences are never called equivalent.
bool differences_proportional(const Expr& a_lhs, const Expr& a_rhs, const Expr& b_lhs,
                              const Expr& b_rhs);
// Exact rational value of a variable-free expression, when it has one.
std::optional<Rational> exact_value(const Expr& e);
// Value of a variable-free expression (nullopt if it has variables or is undefined).
std::optional<ExprValue> constant_value(const Expr& e);

}  // namespace regenesis
