#pragma once
// Exact rational numbers for answer comparison: "0.75" and "3/4" and "\frac{6}{8}" are the same
// value, and "10.05" is never "105". 64-bit numerator and denominator with overflow checks: an
// operation whose exact result does not fit returns nullopt, and callers fall back to floating
// point (with a relative tolerance) instead of silently wrapping.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regenesis {

struct Rational {
  int64_t num = 0;
  int64_t den = 1;  // always > 0; num/den always reduced

  bool is_integer() const { return den == 1; }
  long double to_long_double() const { return static_cast<long double>(num) / den; }
  bool operator==(const Rational&) const = default;
};

// num/den reduced with a positive denominator; nullopt when den == 0 or it does not fit.
std::optional<Rational> make_rational(int64_t num, int64_t den = 1);

std::optional<Rational> rational_add(const Rational& a, const Rational& b);
std::optional<Rational> rational_sub(const Rational& a, const Rational& b);
std::optional<Rational> rational_mul(const Rational& a, const Rational& b);
std::optional<Rational> rational_div(const Rational& a, const Rational& b);  // nullopt for b == 0
// a^exponent for an integer exponent (negative allowed when a != 0).
std::optional<Rational> rational_pow(const Rational& a, int64_t exponent);
// The exact square root when numerator and denominator are both perfect squares.
std::optional<Rational> rational_sqrt(const Rational& a);
// -1, 0 or 1.
int rational_compare(const Rational& a, const Rational& b);

// A plain decimal literal: optional sign, digits, optional '.' and digits ("-12", "3.50", ".5",
// "7."). No thousands separators, no exponent. nullopt for anything else or when too large.
std::optional<Rational> parse_decimal(std::string_view text);

// Rounds half away from zero to `places` decimal places (places >= 0).
std::optional<Rational> rational_round(const Rational& a, int places);

// "3/4", "-2", "5" (for messages and tests).
std::string rational_to_string(const Rational& a);

}  // namespace regenesis
