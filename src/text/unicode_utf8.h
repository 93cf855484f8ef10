#pragma once
// UTF-8 encoding and decoding, lossy repair of invalid bytes (also in streaming form, for
// detokenizing generated ids one at a time), and the few Unicode character classes the tokenizer
// needs.
#include <cstdint>
#include <string>
#include <string_view>

namespace regenesis::unicode {

constexpr char32_t kReplacementChar = 0xFFFD;

// Appends the UTF-8 form of `cp` (a value above U+10FFFF or a surrogate gives U+FFFD).
void append_utf8(std::string& out, char32_t cp);

// The code point starting at text[pos]; `pos` moves past it. An invalid byte decodes as U+FFFD
// and consumes one byte. Precondition: pos < text.size().
char32_t next_codepoint(std::string_view text, size_t& pos);

// Length of the UTF-8 character starting at text[pos] (1 for an invalid byte).
size_t codepoint_length(std::string_view text, size_t pos);

bool is_valid_utf8(std::string_view bytes);

// Repairs bytes into valid UTF-8 the way browsers (and transformers.js) do: every maximal
// ill-formed subsequence becomes one U+FFFD. Feeding bytes in any number of pieces gives the same
// text as feeding them at once; an incomplete character at the end of a piece waits for the next.
class Utf8Repair {
 public:
  // Appends to `out` the text completed by `bytes`.
  void feed(std::string_view bytes, std::string& out);
  // Ends the stream: a pending incomplete character becomes U+FFFD.
  void finish(std::string& out);
  bool has_pending() const { return !pending_.empty(); }

 private:
  std::string pending_;  // bytes of the character being completed
  int needed_ = 0;       // continuation bytes still expected
  unsigned char lower_ = 0x80, upper_ = 0xBF;  // allowed range for the next continuation byte
};

// Valid UTF-8 for any bytes (unchanged when they already are).
std::string to_valid_utf8(std::string_view bytes);

// Unicode White_Space (what Rust's char::is_whitespace tests).
bool is_whitespace(char32_t cp);
// General category N* (Nd, Nl, No): Rust's char::is_numeric.
bool is_numeric(char32_t cp);
// General category L* or N*.
bool is_alphanumeric(char32_t cp);

}  // namespace regenesis::unicode
