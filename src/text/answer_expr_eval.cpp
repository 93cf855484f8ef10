// Evaluation of parsed answer expressions and the equivalence tests built on it.
#include <cmath>
#include <numbers>

#include "text/answer_expr.h"

namespace regenesis {
namespace {

using Complex = std::complex<long double>;
constexpr long double kRelativeTolerance = 1e-9L;
constexpr int kSamplePoints = 3;

bool finite(const Complex& z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

ExprValue from_exact(const Rational& r) {
  long double v = r.to_long_double();
  return {r, Complex(v, 0), std::fabs(v)};
}

ExprValue from_approx(Complex z, long double scale) {
  return {std::nullopt, z, std::max(scale, std::abs(z))};
}

bool is_real(const Complex& z) { return z.imag() == 0; }

// Real power where the real result is the intended one (negative base, integer or odd-root
// exponent), complex principal value otherwise.
Complex power(const Complex& base, const Complex& exponent) {
  if (is_real(base) && is_real(exponent)) {
    long double b = base.real(), e = exponent.real();
    if (b >= 0 || e == std::floor(e)) return Complex(std::pow(b, e), 0);
  }
  if (base == Complex(0, 0)) return Complex(0, 0);
  return std::pow(base, exponent);
}

std::optional<Complex> apply_function(const std::string& name, const Complex& x) {
  bool real = is_real(x);
  long double v = x.real();
  if (name == "sin") return std::sin(x);
  if (name == "cos") return std::cos(x);
  if (name == "tan") return std::tan(x);
  if (name == "sec") return Complex(1) / std::cos(x);
  if (name == "csc") return Complex(1) / std::sin(x);
  if (name == "cot") return Complex(1) / std::tan(x);
  if (name == "sinh") return std::sinh(x);
  if (name == "cosh") return std::cosh(x);
  if (name == "tanh") return std::tanh(x);
  if (name == "exp") return std::exp(x);
  if (name == "arcsin") return real && std::fabs(v) <= 1 ? Complex(std::asin(v)) : std::asin(x);
  if (name == "arccos") return real && std::fabs(v) <= 1 ? Complex(std::acos(v)) : std::acos(x);
  if (name == "arctan") return std::atan(x);
  if (name == "ln") return real && v > 0 ? Complex(std::log(v)) : std::log(x);
  if (name == "log") return real && v > 0 ? Complex(std::log10(v)) : std::log10(x);
  return std::nullopt;
}

// Deterministic sample value of a variable at a sample point, in (0.5, 2.5): away from 0 and 1,
// where identities such as x^2 == x would hold by accident.
long double sample_value(const std::string& name, int point) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  h ^= static_cast<uint64_t>(point + 1) * 0x9E3779B97F4A7C15ULL;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 29;
  return 0.5L + 2.0L * static_cast<long double>(h >> 11) / static_cast<long double>(1ULL << 53);
}

std::map<std::string, long double> sample_point(const std::set<std::string>& names, int point) {
  std::map<std::string, long double> values;
  for (const auto& n : names) values[n] = sample_value(n, point);
  return values;
}

bool close(const ExprValue& a, const ExprValue& b) {
  if (a.exact && b.exact) return *a.exact == *b.exact;
  long double scale = std::max(a.scale, b.scale);
  return std::abs(a.approx - b.approx) <= kRelativeTolerance * scale;
}

}  // namespace

std::optional<ExprValue> Expr::evaluate(const std::map<std::string, long double>& variables) const {
  if (root_ < 0) return std::nullopt;
  auto v = eval_node(root_, variables, 0);
  if (!v || !finite(v->approx) || !std::isfinite(v->scale)) return std::nullopt;
  return v;
}

std::optional<ExprValue> Expr::eval_node(int index, const std::map<std::string, long double>& vars,
                                         int depth) const {
  if (depth > 400) return std::nullopt;
  const Node& n = nodes_[index];
  // Every intermediate value must be finite: 1/2004! is not 0, it is unknown.
  auto arg = [&](size_t k) -> std::optional<ExprValue> {
    auto v = eval_node(n.args[k], vars, depth + 1);
    if (v && (!finite(v->approx) || !std::isfinite(v->scale))) return std::nullopt;
    return v;
  };
  switch (n.op) {
    case Op::Number:
      return from_exact(*n.number);
    case Op::Variable: {
      auto it = vars.find(n.name);
      if (it == vars.end()) return std::nullopt;
      return from_approx(Complex(it->second, 0), std::fabs(it->second));
    }
    case Op::Imaginary:
      return from_approx(Complex(0, 1), 1);
    case Op::Pi:
      return from_approx(Complex(std::numbers::pi_v<long double>, 0), 0);
    case Op::Neg: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      ExprValue r = from_approx(-a->approx, a->scale);
      if (a->exact) r.exact = Rational{-a->exact->num, a->exact->den};
      return r;
    }
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: {
      auto a = arg(0), b = arg(1);
      if (!a || !b) return std::nullopt;
      if (n.op == Op::Div && std::abs(b->approx) == 0) return std::nullopt;
      std::optional<Rational> exact;
      if (a->exact && b->exact) {
        if (n.op == Op::Add) exact = rational_add(*a->exact, *b->exact);
        else if (n.op == Op::Sub) exact = rational_sub(*a->exact, *b->exact);
        else if (n.op == Op::Mul) exact = rational_mul(*a->exact, *b->exact);
        else exact = rational_div(*a->exact, *b->exact);
      }
      if (exact) return from_exact(*exact);
      Complex z;
      long double scale;
      if (n.op == Op::Add) z = a->approx + b->approx, scale = std::max(a->scale, b->scale);
      else if (n.op == Op::Sub) z = a->approx - b->approx, scale = std::max(a->scale, b->scale);
      else if (n.op == Op::Mul) z = a->approx * b->approx, scale = a->scale * b->scale;
      else z = a->approx / b->approx, scale = a->scale / std::abs(b->approx);
      return from_approx(z, scale);
    }
    case Op::Pow: {
      auto a = arg(0), b = arg(1);
      if (!a || !b) return std::nullopt;
      if (a->exact && b->exact && b->exact->is_integer() && std::llabs(b->exact->num) <= 4096) {
        if (auto r = rational_pow(*a->exact, b->exact->num)) return from_exact(*r);
      }
      if (a->exact && b->exact && b->exact->den == 2 && std::llabs(b->exact->num) <= 4096) {
        if (auto root = rational_sqrt(*a->exact))
          if (auto r = rational_pow(*root, b->exact->num)) return from_exact(*r);
      }
      Complex z = power(a->approx, b->approx);
      long double scale = std::abs(z);
      if (is_real(b->approx) && b->approx.real() > 0) scale = std::max(scale, std::pow(a->scale, b->approx.real()));
      return from_approx(z, scale);
    }
    case Op::Sqrt: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      if (a->exact)
        if (auto r = rational_sqrt(*a->exact)) return from_exact(*r);
      return from_approx(power(a->approx, Complex(0.5L, 0)), std::sqrt(a->scale));
    }
    case Op::Root: {
      auto a = arg(0), k = arg(1);
      if (!a || !k || !k->exact || !k->exact->is_integer() || k->exact->num < 2) return std::nullopt;
      long double degree = static_cast<long double>(k->exact->num);
      Complex z;
      // An odd root of a negative real is the real root (\sqrt[3]{-8} = -2).
      if (is_real(a->approx) && a->approx.real() < 0 && k->exact->num % 2 == 1)
        z = Complex(-std::pow(-a->approx.real(), 1 / degree), 0);
      else
        z = power(a->approx, Complex(1 / degree, 0));
      if (a->exact && is_real(z)) {
        long double rounded = std::round(z.real());
        if (std::fabs(rounded) < 1e15L && std::fabs(z.real() - rounded) < 1e-9L) {
          auto candidate = make_rational(static_cast<int64_t>(rounded));
          if (candidate && rational_pow(*candidate, k->exact->num) == a->exact) return from_exact(*candidate);
        }
      }
      return from_approx(z, std::pow(a->scale, 1 / degree));
    }
    case Op::Factorial: {
      auto a = arg(0);
      if (!a || !a->exact || !a->exact->is_integer() || a->exact->num < 0) return std::nullopt;
      int64_t k = a->exact->num;
      if (k <= 20) {
        int64_t f = 1;
        for (int64_t j = 2; j <= k; ++j) f *= j;
        return from_exact(Rational{f, 1});
      }
      return from_approx(Complex(std::tgamma(static_cast<long double>(k) + 1), 0), 0);
    }
    case Op::Abs: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      if (a->exact) return from_exact(Rational{std::llabs(a->exact->num), a->exact->den});
      return from_approx(Complex(std::abs(a->approx), 0), a->scale);
    }
    case Op::Binom: {
      auto a = arg(0), b = arg(1);
      if (!a || !b || !a->exact || !b->exact || !a->exact->is_integer() || !b->exact->is_integer())
        return std::nullopt;
      int64_t top = a->exact->num, k = b->exact->num;
      if (top < 0 || k < 0 || k > top) return from_exact(Rational{0, 1});
      k = std::min(k, top - k);
      std::optional<Rational> r = Rational{1, 1};
      for (int64_t j = 1; j <= k && r; ++j) {
        r = rational_mul(*r, Rational{top - k + j, 1});
        if (r) r = rational_div(*r, Rational{j, 1});
      }
      if (!r) return std::nullopt;
      return from_exact(*r);
    }
    case Op::Func: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      auto z = apply_function(n.name, a->approx);
      if (!z) return std::nullopt;
      // ln(1) = 0 and sin(0) = 0 exactly; keep simple exact results exact.
      if (a->exact && a->exact->num == 0 && (n.name == "sin" || n.name == "tan" || n.name == "arcsin" || n.name == "arctan"))
        return from_exact(Rational{0, 1});
      if (a->exact && *a->exact == Rational{1, 1} && (n.name == "ln" || n.name == "log"))
        return from_exact(Rational{0, 1});
      return from_approx(*z, std::max<long double>(1, std::abs(*z)));
    }
  }
  return std::nullopt;
}

std::optional<ExprValue> constant_value(const Expr& e) {
  if (!e.variables().empty()) return std::nullopt;
  return e.evaluate({});
}

std::optional<Rational> exact_value(const Expr& e) {
  auto v = constant_value(e);
  if (!v) return std::nullopt;
  return v->exact;
}

bool expressions_equivalent(const Expr& a, const Expr& b) {
  std::set<std::string> names = a.variables();
  names.insert(b.variables().begin(), b.variables().end());
  if (names.empty()) {
    auto va = a.evaluate({}), vb = b.evaluate({});
    return va && vb && close(*va, *vb);
  }
  int compared = 0;
  for (int point = 0; point < kSamplePoints + 2 && compared < kSamplePoints; ++point) {
    auto values = sample_point(names, point);
    auto va = a.evaluate(values), vb = b.evaluate(values);
    if (!va || !vb) continue;  // a pole at this point: try another
    if (!close(*va, *vb)) return false;
    ++compared;
  }
  return compared >= 2;
}

bool differences_proportional(const Expr& a_lhs, const Expr& a_rhs, const Expr& b_lhs,
                              const Expr& b_rhs) {
  std::set<std::string> names;
  for (const Expr* e : {&a_lhs, &a_rhs, &b_lhs, &b_rhs})
    names.insert(e->variables().begin(), e->variables().end());
  std::optional<Complex> ratio;
  int compared = 0;
  for (int point = 0; point < kSamplePoints + 2 && compared < kSamplePoints; ++point) {
    auto values = sample_point(names, point);
    auto al = a_lhs.evaluate(values), ar = a_rhs.evaluate(values);
    auto bl = b_lhs.evaluate(values), br = b_rhs.evaluate(values);
    if (!al || !ar || !bl || !br) continue;
    Complex da = al->approx - ar->approx, db = bl->approx - br->approx;
    long double sa = std::max(al->scale, ar->scale), sb = std::max(bl->scale, br->scale);
    bool za = std::abs(da) <= kRelativeTolerance * sa, zb = std::abs(db) <= kRelativeTolerance * sb;
    if (za || zb) return false;  // an identity (0 = 0) or a point on the curve: not informative
    Complex r = da / db;
    if (ratio && std::abs(r - *ratio) > 1e-7L * std::abs(*ratio)) return false;
    if (!ratio) ratio = r;
    ++compared;
  }
  return compared >= 2;
}

}  // namespace regenesis
