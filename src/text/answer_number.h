#pragma once
// Numbers in free text and numeric final answers (GSM8K, SVAMP, ASDiv, NumGLUE).
//
// Equality of a predicted and a gold number (numbers_equivalent), in order:
//   1. exact: both are exact rationals ("0.75" == "3/4" == "\frac{3}{4}"; "10.05" != "105",
//      unlike the official ReGenesis filter, PAPER.md section 3);
//   2. two integers must be exactly equal (1000000 != 1000001, no tolerance);
//   3. otherwise a relative tolerance of 1e-6 (float noise such as 1.4300000000000002 == 1.43;
//      Qwen2.5-Math uses 1e-4, we stay stricter);
//   4. rounding: a decimal written with d >= 2 places equals a more precise value that rounds to
//      it half away from zero (gold "3.333" accepts 10/3 and "3.33"; d = 1 is too coarse: 2.46 is
//      not 2.5);
//   5. a percent sign makes both readings valid: "18%" matches 18 and 0.18.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/answer_rational.h"

namespace regenesis {

struct NumberLiteral {
  std::string text;               // clean spelling: "-1234.50", "3/4", "18%"
  std::optional<Rational> exact;  // nullopt only for values too large for 64-bit rationals
  long double value = 0;
  bool percent = false;
  int decimals = 0;               // digits written after the decimal point (0 for integers and fractions)
  size_t begin = 0, end = 0;      // byte range in the scanned text (find_number_literals only)
};

// Every number in `text`, left to right: signs ("-5", "−5", "-$5"), thousands separators
// ("1,234,567"), decimals (".5", "3.25"; a trailing full stop is not a decimal point), fractions
// ("3/4", "\frac{3}{4}"), and a following percent sign ("18%", "18 \%", "18 percent").
std::vector<NumberLiteral> find_number_literals(std::string_view text);

// The number a whole final answer stands for: "$1,234.50", "18 dollars", "\frac{3}{4}",
// "2 \times 9 = 18" (the part after the last '='), "75\%", "\text{4}". With several unrelated
// numbers, the first (or the last when prefer_last). nullopt when there is no number.
std::optional<NumberLiteral> parse_number_answer(std::string_view answer, bool prefer_last = false);

bool numbers_equivalent(const NumberLiteral& predicted, const NumberLiteral& gold);
// parse_number_answer on both, then numbers_equivalent.
bool number_answers_match(std::string_view predicted, std::string_view gold);

}  // namespace regenesis
