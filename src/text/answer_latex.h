#pragma once
// String-level clean-up of LaTeX final answers, before they are split into tuples/sets/equations
// and parsed (answer_math.cpp). Follows the union of the Hendrycks MATH, PRM800K and Qwen2.5-Math
// normalizers (ANCHORS.md section 2): \dfrac/\tfrac -> \frac, \left/\right, \!, \, \; \quad,
// ^\circ and degrees, \% and %, \$ and $, thousands separators ",\!" and "{,}", \text{}/\mbox{}/
// \mathrm{} unwrapped, trailing unit words dropped ("135\text{ square feet}" -> 135), "\frac12" ->
// "\frac{1}{2}", "\sqrt3" -> "\sqrt{3}", ".5" -> "0.5", " and "/" or " -> ",", a trailing period,
// and Unicode symbols (−, ×, ·, √, π, ∞, °) spelled as LaTeX.
#include <optional>
#include <string>
#include <string_view>

namespace regenesis {

// Index of the '}' that closes the '{' at `open`; escaped braces (\{ \}) are skipped.
std::optional<size_t> matching_brace(std::string_view text, size_t open);

// Replaces every \name{X} (with nested braces) by X.
std::string unwrap_command(std::string text, std::string_view name);

std::string normalize_math_answer(std::string_view answer);

// normalize_math_answer without spaces (except where they separate a command from a letter) and
// lower-cased: two answers with the same key are the same answer.
std::string math_string_key(std::string_view answer);

}  // namespace regenesis
