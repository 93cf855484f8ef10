// The expression evaluator against independent computations: random arithmetic checked with a
// separate __int128 fraction implementation, functions against <cmath>, and polynomial identities
// built from their coefficients.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "text/answer_expr.h"
#include "text/answer_rational.h"

namespace regenesis {
namespace {

// A deliberately separate fraction type (not Rational) for the reference values.
struct Frac {
  __int128 n, d;
};
__int128 gcd128(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}
Frac reduce(Frac f) {
  if (f.d < 0) f.n = -f.n, f.d = -f.d;
  __int128 g = gcd128(f.n, f.d);
  if (g > 1) f.n /= g, f.d /= g;
  return f;
}

struct Generated {
  std::string latex, plain;
  Frac value;
};

// Random expression over small integers with + - * /, as LaTeX and as plain text.
Generated generate(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> small(-9, 9), op(0, 3), leaf(0, 2);
  if (depth == 0 || leaf(rng) == 0) {
    int v = small(rng);
    std::string s = v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v);
    return {s, s, {v, 1}};
  }
  Generated a = generate(rng, depth - 1), b = generate(rng, depth - 1);
  switch (op(rng)) {
    case 0:
      return {"(" + a.latex + "+" + b.latex + ")", "(" + a.plain + "+" + b.plain + ")",
              reduce({a.value.n * b.value.d + b.value.n * a.value.d, a.value.d * b.value.d})};
    case 1:
      return {"(" + a.latex + "-" + b.latex + ")", "(" + a.plain + "-" + b.plain + ")",
              reduce({a.value.n * b.value.d - b.value.n * a.value.d, a.value.d * b.value.d})};
    case 2:
      return {a.latex + " \\cdot " + b.latex, a.plain + "*" + b.plain,
              reduce({a.value.n * b.value.n, a.value.d * b.value.d})};
    default:
      if (b.value.n == 0) return a;
      return {"\\frac{" + a.latex + "}{" + b.latex + "}", "(" + a.plain + ")/(" + b.plain + ")",
              reduce({a.value.n * b.value.d, a.value.d * b.value.n})};
  }
}

TEST(AnswerExpr, RandomArithmeticIsExactAgainstAnIndependentFractionType) {
  std::mt19937 rng(12345);
  int compared = 0;
  for (int k = 0; k < 400; ++k) {
    Generated g = generate(rng, 4);
    if (g.value.n > INT64_MAX / 4 || g.value.n < -INT64_MAX / 4 || g.value.d > INT64_MAX / 4) continue;
    for (const std::string& text : {g.latex, g.plain}) {
      SCOPED_TRACE(text);
      auto e = Expr::parse(text);
      ASSERT_TRUE(e.has_value());
      auto v = exact_value(*e);
      ASSERT_TRUE(v.has_value());
      EXPECT_EQ(v->num, static_cast<int64_t>(g.value.n));
      EXPECT_EQ(v->den, static_cast<int64_t>(g.value.d));
      ++compared;
    }
  }
  EXPECT_GT(compared, 600);
}

TEST(AnswerExpr, FunctionsAndConstantsAgreeWithCmath) {
  struct Case {
    const char* text;
    long double expected;
  };
  const Case cases[] = {
      {"\\sqrt{2}", std::sqrt(2.0L)},
      {"3\\sqrt{2}", 3 * std::sqrt(2.0L)},
      {"\\frac{\\sqrt{6}}{3}", std::sqrt(6.0L) / 3},
      {"\\sqrt[3]{10}", std::cbrt(10.0L)},
      {"2\\pi", 2 * 3.14159265358979323846L},
      {"\\sin 1", std::sin(1.0L)},
      {"\\cos^2 1", std::cos(1.0L) * std::cos(1.0L)},
      {"\\ln 5", std::log(5.0L)},
      {"\\log(1000)", 3.0L},
      {"e^2", -1},  // e is a variable: no constant value (checked below)
      {"|-3.5|", 3.5L},
      {"2^{-3}", 0.125L},
      {"\\frac{1}{2}+\\frac{1}{3}", 5.0L / 6},
      {"10!", 3628800.0L},
      {"\\binom{10}{3}", 120.0L},
      {"\\tan(0.5)", std::tan(0.5L)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto e = Expr::parse(c.text);
    ASSERT_TRUE(e.has_value());
    auto v = constant_value(*e);
    if (c.expected < 0) {
      EXPECT_FALSE(v.has_value());
      continue;
    }
    ASSERT_TRUE(v.has_value());
    EXPECT_NEAR(static_cast<double>(v->approx.real()), static_cast<double>(c.expected), 1e-12 * std::max(1.0L, c.expected));
    EXPECT_EQ(v->approx.imag(), 0);
  }
}

TEST(AnswerExpr, PolynomialIdentitiesFromCoefficients) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coef(-6, 6);
  for (int k = 0; k < 50; ++k) {
    int a = coef(rng), b = coef(rng);
    // (x + a)(x + b) == x^2 + (a+b)x + ab, written out independently
    std::string factored = "(x+(" + std::to_string(a) + "))(x+(" + std::to_string(b) + "))";
    std::string expanded = "x^2+(" + std::to_string(a + b) + ")x+(" + std::to_string(a * b) + ")";
    std::string off_by_one = "x^2+(" + std::to_string(a + b) + ")x+(" + std::to_string(a * b + 1) + ")";
    auto f = Expr::parse(factored), e = Expr::parse(expanded), o = Expr::parse(off_by_one);
    ASSERT_TRUE(f && e && o) << factored << " / " << expanded;
    EXPECT_TRUE(expressions_equivalent(*f, *e)) << factored << " vs " << expanded;
    EXPECT_FALSE(expressions_equivalent(*f, *o)) << factored << " vs " << off_by_one;
  }
}

TEST(AnswerExpr, GrammarEdges) {
  EXPECT_FALSE(Expr::parse("7 3/4").has_value());  // two bare numbers: ambiguous
  EXPECT_FALSE(Expr::parse("(1,2)").has_value());
  EXPECT_FALSE(Expr::parse("x=5").has_value());
  EXPECT_FALSE(Expr::parse("1200_7").has_value());
  EXPECT_FALSE(Expr::parse("\\infty").has_value());
  EXPECT_FALSE(Expr::parse(std::string(3000, '(')).has_value());
  // mixed numbers and the one-digit arguments of \frac
  EXPECT_EQ(exact_value(*Expr::parse("2\\frac{1}{4}")), (Rational{9, 4}));
  EXPECT_EQ(exact_value(*Expr::parse("-15\\frac{3}{5}")), (Rational{-78, 5}));
  EXPECT_EQ(exact_value(*Expr::parse("\\frac12")), (Rational{1, 2}));
  EXPECT_EQ(exact_value(*Expr::parse("\\frac1{72}")), (Rational{1, 72}));
  EXPECT_EQ(exact_value(*Expr::parse("2^3^2")), (Rational{512, 1}));
  EXPECT_EQ(exact_value(*Expr::parse("-2^2")), (Rational{-4, 1}));
  EXPECT_EQ(exact_value(*Expr::parse("\\sqrt{\\frac{9}{4}}")), (Rational{3, 2}));
  // 2\frac{x}{3} is a product, not a mixed number
  auto product = Expr::parse("2\\frac{x}{3}"), expected = Expr::parse("\\frac{2x}{3}");
  ASSERT_TRUE(product && expected);
  EXPECT_TRUE(expressions_equivalent(*product, *expected));
  // complex numbers
  auto z = constant_value(*Expr::parse("(1+2i)(3-i)"));
  ASSERT_TRUE(z.has_value());
  EXPECT_NEAR(static_cast<double>(z->approx.real()), 5, 1e-15);
  EXPECT_NEAR(static_cast<double>(z->approx.imag()), 5, 1e-15);
}

TEST(AnswerExpr, ToleranceIsRelativeToTheTermsNotAbsolute) {
  auto tiny_a = Expr::parse("\\frac{1}{2^{99}}"), tiny_b = Expr::parse("\\frac{1}{2^{98}}");
  EXPECT_FALSE(expressions_equivalent(*tiny_a, *tiny_b));
  auto cancel = Expr::parse("\\sqrt{2}-\\sqrt{2}"), zero = Expr::parse("0");
  EXPECT_TRUE(expressions_equivalent(*cancel, *zero));
  auto huge = Expr::parse("\\frac{1}{2004!}"), other = Expr::parse("\\frac{1}{2006!}");
  EXPECT_FALSE(expressions_equivalent(*huge, *other));
  EXPECT_FALSE(expressions_equivalent(*huge, *huge));  // undefined (overflow) is never equal
}

TEST(AnswerExpr, EquationsAreProportionalDifferences) {
  auto l1 = Expr::parse("y"), r1 = Expr::parse("2x+3");
  auto l2 = Expr::parse("4x-2y+6"), r2 = Expr::parse("0");
  auto l3 = Expr::parse("y"), r3 = Expr::parse("2x+4");
  EXPECT_TRUE(differences_proportional(*l1, *r1, *l2, *r2));
  EXPECT_FALSE(differences_proportional(*l1, *r1, *l3, *r3));
  auto zero_l = Expr::parse("x-x"), zero_r = Expr::parse("0");
  EXPECT_FALSE(differences_proportional(*zero_l, *zero_r, *zero_l, *zero_r));  // 0 = 0 says nothing
}

TEST(AnswerRational, ArithmeticOverflowAndRounding) {
  EXPECT_EQ(parse_decimal("3.50"), (Rational{7, 2}));
  EXPECT_EQ(parse_decimal("-.25"), (Rational{-1, 4}));
  EXPECT_EQ(parse_decimal("7."), (Rational{7, 1}));
  EXPECT_FALSE(parse_decimal("1,000").has_value());
  EXPECT_FALSE(parse_decimal(".").has_value());
  EXPECT_FALSE(parse_decimal("99999999999999999999999").has_value());  // does not fit 64 bits
  auto big = Rational{INT64_MAX / 2, 1};
  EXPECT_FALSE(rational_mul(big, Rational{4, 1}).has_value());
  EXPECT_FALSE(rational_div(Rational{1, 1}, Rational{0, 1}).has_value());
  EXPECT_EQ(rational_pow(Rational{2, 3}, -3), (Rational{27, 8}));
  EXPECT_EQ(rational_sqrt(Rational{49, 16}), (Rational{7, 4}));
  EXPECT_FALSE(rational_sqrt(Rational{2, 1}).has_value());
  EXPECT_EQ(rational_round(Rational{10, 3}, 2), (Rational{333, 100}));
  EXPECT_EQ(rational_round(Rational{-5, 2}, 0), (Rational{-3, 1}));  // half away from zero
  EXPECT_EQ(rational_round(Rational{2469, 200}, 2), (Rational{247, 20}));  // 12.345 -> 12.35
  // against long double on random pairs
  std::mt19937 rng(3);
  std::uniform_int_distribution<int64_t> d(-100000, 100000);
  for (int k = 0; k < 200; ++k) {
    int64_t a = d(rng), b = d(rng) | 1, c = d(rng), e = d(rng) | 1;
    auto x = *make_rational(a, b), y = *make_rational(c, e);
    long double lx = static_cast<long double>(a) / b, ly = static_cast<long double>(c) / e;
    EXPECT_NEAR(static_cast<double>(rational_add(x, y)->to_long_double()), static_cast<double>(lx + ly), 1e-9);
    EXPECT_NEAR(static_cast<double>(rational_mul(x, y)->to_long_double()), static_cast<double>(lx * ly), 1e-6);
    EXPECT_EQ(rational_compare(x, y), lx < ly ? -1 : (lx > ly ? 1 : 0));
  }
}

}  // namespace
}  // namespace regenesis
