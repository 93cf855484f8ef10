#pragma once
// The equations of a reasoning path, for RFT's deduplication (Yuan et al., 2023: two sampled
// paths with the same list of equations are the same path written differently).
//
// An equation is an arithmetic expression with at least one operator and two numbers, then '=',
// then a number: "48 / 2 = 24", "$3 × 4 = $12", GSM8K's "<<48/2=24>>". Spaces and '$' are
// skipped; numbers lose thousands separators and trailing fractional zeros ("1,200.50" ->
// "1200.5"); operators are unified (× \times \cdot · -> *, ÷ \div -> /, − -> -, and an 'x'
// between two numbers -> *). Anything else (a word, a unit, a letter variable) ends the
// expression, so "x = 5" or "3 apples = 3" are not equations. Each equation is written without
// spaces, e.g. "48/2=24"; in a chain "a + b = c = d" only "a+b=c" counts.
#include <string>
#include <string_view>
#include <vector>

namespace regenesis {

std::vector<std::string> extract_equations(std::string_view text);

// The RFT dedup key of a path: `rule` "equations": its equation list ("eq:" + the equations
// joined by '|'), or for a path with none, its text with whitespace runs collapsed and ASCII
// letters lower-cased ("text:" + ...); "text": always the latter.
std::string dedup_key(std::string_view path, const std::string& rule);

}  // namespace regenesis
