#pragma once
// The exact-match gate of the official ReGenesis filter (process_reason.py), bug for bug, as
// described in PAPER.md section 3 (reconstructed from that description, not from the Python).
// Use it for a faithful reproduction of the paper's data; use answers_match (answer.h) for
// grading. Its known quirks, kept on purpose:
//   * ".0" is deleted from both sides, so "10.05" and "105" match;
//   * "-" becomes " - " in the prediction, so predictions lose their sign;
//   * a ground truth that does not start with a digit is matched as a lower-cased substring of the
//     boxed text, and only when that text holds a digit: \boxed{True} vs "True" is false;
//   * only the first and the last number of the box (or of the whole path) are candidates.
#include <string>
#include <string_view>

namespace regenesis {

// The ground truth after the official normalisation: a leading "." gets a "0", then ".00",
// ".00%", ".0%", ".0", ",", "%" are deleted in that order, then whitespace is trimmed.
std::string official_normalize_truth(std::string_view truth);

bool official_regenesis_match(std::string_view path, std::string_view truth);

}  // namespace regenesis
