#pragma once
// The "added_tokens" of a tokenizer.json (special tokens such as <|im_start|>, plus any extra
// tokens) and how they are found in input text: leftmost-longest match, with the lstrip, rstrip
// and single_word options, before the text is normalized and pre-tokenized.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;
  bool lstrip = false;       // swallow whitespace before the token
  bool rstrip = false;       // swallow whitespace after it
  bool single_word = false;  // match only when not inside a word
  bool normalized = false;   // matched in normalized text rather than in the raw input
};

std::vector<AddedToken> parse_added_tokens(const JsonNode& list);

// A piece of the input: plain text [begin, end), or an added token (token >= 0 indexes the list
// the matcher was built from) that covers [begin, end) including any stripped whitespace.
struct TextSegment {
  size_t begin = 0;
  size_t end = 0;
  int32_t token = -1;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  // Matches the tokens of `tokens` for which `include` holds.
  AddedTokenMatcher(const std::vector<AddedToken>& tokens, bool (*include)(const AddedToken&));
  bool empty() const { return nodes_.size() <= 1; }
  // Cuts `text` into plain-text segments and added-token segments, in order; empty plain-text
  // segments are left out.
  void split(std::string_view text, std::vector<TextSegment>& out) const;

 private:
  // Longest token starting at text[pos]: its end and index, or index -1.
  std::pair<size_t, int32_t> longest_at(std::string_view text, size_t pos) const;

  const std::vector<AddedToken>* tokens_ = nullptr;
  std::vector<int32_t> nodes_{-1};                    // per trie node: token index ending here
  std::unordered_map<uint64_t, int32_t> edges_;      // (node << 8 | byte) -> child node
  bool first_bytes_[256] = {};
};

}  // namespace regenesis::tok
