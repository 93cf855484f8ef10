#include "text/answer_rational.h"

#include <cctype>
#include <limits>

namespace regenesis {
namespace {

using Wide = __int128;

Wide wide_gcd(Wide a, Wide b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    Wide t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool fits(Wide v) {
  return v >= std::numeric_limits<int64_t>::min() + 1 && v <= std::numeric_limits<int64_t>::max();
}

// Reduces a wide fraction and narrows it back to 64 bits.
std::optional<Rational> from_wide(Wide num, Wide den) {
  if (den == 0) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  Wide g = wide_gcd(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  if (!fits(num) || !fits(den)) return std::nullopt;
  return Rational{static_cast<int64_t>(num), static_cast<int64_t>(den)};
}

// Largest r with r*r <= v, for v >= 0.
int64_t isqrt(int64_t v) {
  if (v < 2) return v;
  int64_t r = static_cast<int64_t>(__builtin_sqrtl(static_cast<long double>(v)));
  while (static_cast<Wide>(r) * r > v) --r;
  while (static_cast<Wide>(r + 1) * (r + 1) <= v) ++r;
  return r;
}

}  // namespace

std::optional<Rational> make_rational(int64_t num, int64_t den) { return from_wide(num, den); }

std::optional<Rational> rational_add(const Rational& a, const Rational& b) {
  return from_wide(static_cast<Wide>(a.num) * b.den + static_cast<Wide>(b.num) * a.den,
                   static_cast<Wide>(a.den) * b.den);
}

std::optional<Rational> rational_sub(const Rational& a, const Rational& b) {
  return from_wide(static_cast<Wide>(a.num) * b.den - static_cast<Wide>(b.num) * a.den,
                   static_cast<Wide>(a.den) * b.den);
}

std::optional<Rational> rational_mul(const Rational& a, const Rational& b) {
  // Cross-reduce first so that products of reduced fractions rarely overflow.
  Wide g1 = wide_gcd(a.num, b.den), g2 = wide_gcd(b.num, a.den);
  if (g1 == 0) g1 = 1;
  if (g2 == 0) g2 = 1;
  return from_wide((a.num / g1) * (b.num / g2), (a.den / g2) * (b.den / g1));
}

std::optional<Rational> rational_div(const Rational& a, const Rational& b) {
  if (b.num == 0) return std::nullopt;
  auto inverse = from_wide(b.den, b.num);
  if (!inverse) return std::nullopt;
  return rational_mul(a, *inverse);
}

std::optional<Rational> rational_pow(const Rational& a, int64_t exponent) {
  if (exponent < 0) {
    if (a.num == 0) return std::nullopt;
    auto inverse = from_wide(a.den, a.num);
    if (!inverse) return std::nullopt;
    if (exponent == std::numeric_limits<int64_t>::min()) return std::nullopt;
    return rational_pow(*inverse, -exponent);
  }
  Rational result{1, 1};
  Rational base = a;
  while (exponent > 0) {
    if (exponent & 1) {
      auto r = rational_mul(result, base);
      if (!r) return std::nullopt;
      result = *r;
    }
    exponent >>= 1;
    if (exponent > 0) {
      if (base.num == 0 || (base.num == 1 && base.den == 1)) continue;
      auto b = rational_mul(base, base);
      if (!b) return std::nullopt;
      base = *b;
    }
  }
  return result;
}

std::optional<Rational> rational_sqrt(const Rational& a) {
  if (a.num < 0) return std::nullopt;
  int64_t n = isqrt(a.num), d = isqrt(a.den);
  if (static_cast<Wide>(n) * n != a.num || static_cast<Wide>(d) * d != a.den) return std::nullopt;
  return Rational{n, d};
}

int rational_compare(const Rational& a, const Rational& b) {
  Wide l = static_cast<Wide>(a.num) * b.den, r = static_cast<Wide>(b.num) * a.den;
  return l < r ? -1 : (l > r ? 1 : 0);
}

std::optional<Rational> parse_decimal(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  Wide num = 0, den = 1;
  int digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    // 38 significant digits fit in __int128; beyond that give up rather than lose exactness.
    if (num > (static_cast<Wide>(1) << 120) || den > (static_cast<Wide>(1) << 120)) return std::nullopt;
    num = num * 10 + (c - '0');
    if (seen_point) den *= 10;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return from_wide(negative ? -num : num, den);
}

std::optional<Rational> rational_round(const Rational& a, int places) {
  Wide scale = 1;
  for (int k = 0; k < places; ++k) {
    scale *= 10;
    if (scale > (static_cast<Wide>(1) << 62)) return std::nullopt;
  }
  Wide scaled_num = static_cast<Wide>(a.num) * scale;
  Wide q = scaled_num / a.den, r = scaled_num % a.den;
  if (r < 0) r = -r;
  if (2 * r >= a.den) q += scaled_num < 0 ? -1 : 1;
  return from_wide(q, scale);
}

std::string rational_to_string(const Rational& a) {
  std::string s = std::to_string(a.num);
  if (a.den != 1) {
    s += '/';
    s += std::to_string(a.den);
  }
  return s;
}

}  // namespace regenesis
