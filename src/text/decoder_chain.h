#pragma once
// tokenizer.json "decoder" (ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence)
// run as a stream: tokens go in one at a time and text comes out as soon as it is final. decode()
// and IncrementalDecoder share this one code path, so streaming and whole-sequence decoding agree
// by construction.
//
// Every supported step works on one token at a time, except those that act on the fused text:
// a Strip after Fuse (SentencePiece's removal of the leading space of the whole text), the
// final UTF-8 repair and transformers' clean_up_tokenization_spaces.
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer_json_path.h"
#include "text/tokenizer_regex.h"
#include "text/unicode_utf8.h"

namespace regenesis::tok {

struct DecodeState {
  size_t tokens = 0;               // tokens decoded so far (Metaspace treats the first apart)
  size_t strip_left = 0;           // leading characters a Strip after Fuse may still remove
  bool started = false;            // start() has run
  unicode::Utf8Repair utf8;        // holds an incomplete character until its last byte arrives
  std::string cleanup_pending;     // text that the clean-up rules may still change
};

class DecoderChain {
 public:
  // `node` is the "decoder" value (null: tokens joined with spaces, as HF does).
  static DecoderChain from_json(const JsonNode& node);
  // transformers' clean_up_tokenization_spaces (" ." -> ".", " n't" -> "n't", ...).
  void set_cleanup(bool enabled) { cleanup_ = enabled; }

  // Appends to `out` the text that `token` completes. `is_added`: the token comes from
  // added_tokens (ByteLevel passes those through as written, as transformers does).
  void push(DecodeState& state, std::string_view token, bool is_added, std::string& out) const;
  // Ends the stream: appends what was held back (an incomplete character becomes U+FFFD).
  void finish(DecodeState& state, std::string& out) const;

 private:
  enum class Kind { ByteLevel, Replace, ByteFallback, Strip, Metaspace };
  struct Step {
    Kind kind;
    Pattern pattern = Pattern::literal("");  // Replace
    std::string content;                     // Replace: replacement; Strip: the character
    size_t start = 0, stop = 0;              // Strip
    bool strip_first = false;                // Metaspace: drop the replacement in token 0
  };
  void add_steps(const JsonNode& node, bool& fused);
  std::string apply_token_steps(const DecodeState& state, std::string_view token,
                                bool is_added) const;
  void emit(DecodeState& state, std::string_view valid_text, std::string& out) const;

  std::vector<Step> steps_;
  bool join_with_space_ = false;  // no decoder
  size_t stream_strip_ = 0;       // Strip after Fuse: leading characters to remove
  std::string stream_strip_content_;
  bool cleanup_ = false;
};

// transformers' clean_up_tokenization (applied to whole texts).
std::string clean_up_tokenization_spaces(std::string text);

}  // namespace regenesis::tok
