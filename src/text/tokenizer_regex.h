#pragma once
// The patterns of tokenizer.json ({"String": ...} or {"Regex": ...}, for Split pre-tokenizers and
// Replace normalizers/decoders) and the HF rules for cutting text at their matches.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

class Pattern {
 public:
  static Pattern literal(std::string text);
  // Compiled with PCRE2 in UTF + UCP mode (so \p{L}, \s and (?i) are Unicode-aware, as in
  // Oniguruma, which HF tokenizers uses). A bad pattern is an Error naming `where`.
  static Pattern regex(const std::string& pattern, const std::string& where);
  // `node` is the pattern object itself: {"String": "..."} or {"Regex": "..."}.
  static Pattern from_json(const JsonNode& node);

  // Appends the non-overlapping, non-empty matches in `text` (valid UTF-8), left to right.
  void find_all(std::string_view text, std::vector<Span>& out) const;
  std::string replace_all(std::string_view text, std::string_view replacement) const;
  bool is_literal() const { return regex_ == nullptr; }
  const std::string& literal_text() const { return literal_; }

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> regex_;
  std::string literal_;
};

// What a split does with the matched delimiters (HF SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
SplitBehavior parse_split_behavior(const JsonNode& node);

// HF split semantics: the text [0, size) is cut into the matches and the gaps between them,
// `invert` swaps which of them count as delimiters, then `behavior` decides the pieces.
// Empty pieces are dropped.
std::vector<Span> split_spans(size_t size, const std::vector<Span>& matches,
                              SplitBehavior behavior, bool invert);

}  // namespace regenesis::tok
