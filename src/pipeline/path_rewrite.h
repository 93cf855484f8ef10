#pragma once
// The step rewrite of the released filter (process_reason.py): split the path into paragraphs,
// find where the numbered step list starts, and keep "Let's think step by step.\n\n" + the
// paragraphs from there on.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regenesis {

struct RewriteOptions {
  // Released code: a step list that starts in the first paragraph gives index 0, which Python's
  // `if idx_s:` treats as "not found", so the path is dropped. Default: keep it.
  bool drop_first_paragraph_steps = false;
  // "substring": any "1." counts as a step marker ("$1.50" too), as released. "list": only a
  // "1." not preceded by a digit, '.', ',' or '$' and not followed by a digit.
  bool list_markers = true;
  std::string prefix = "Let's think step by step.\n\n";
};

// Paragraphs: split on "\n\n", Python-strip each, collapse whitespace runs to one space, drop
// empty ones.
std::vector<std::string> split_paragraphs(std::string_view path);

// The LAST paragraph index i that holds a "1." marker while a "2." marker appears in
// paragraphs i.. (joined with "" in substring mode, as released); nullopt when none.
std::optional<size_t> find_step_start(const std::vector<std::string>& paragraphs, bool list_markers);

// The rewritten path, or nullopt when the path is dropped.
std::optional<std::string> rewrite_path(std::string_view path, const RewriteOptions& options);

}  // namespace regenesis
