#include "text/bpe_byte_level.h"

#include <array>

#include "text/unicode_utf8.h"

namespace regenesis::tok {
namespace {

struct ByteMap {
  std::array<std::string, 256> byte_to_text;  // UTF-8 of the character for each byte
  std::array<int, 512> char_to_byte;          // indexed by code point (< 512), -1 when unmapped

  ByteMap() {
    char_to_byte.fill(-1);
    // Printable Latin-1 bytes stand for themselves; the rest are shifted to U+0100 upward.
    auto keeps_itself = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    int shifted = 0;
    for (int b = 0; b < 256; ++b) {
      char32_t cp = keeps_itself(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + shifted++);
      unicode::append_utf8(byte_to_text[b], cp);
      char_to_byte[cp] = b;
    }
  }
};

const ByteMap& byte_map() {
  static const ByteMap map;
  return map;
}

}  // namespace

std::string byte_level_encode(std::string_view bytes) {
  const ByteMap& map = byte_map();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += map.byte_to_text[static_cast<unsigned char>(c)];
  return out;
}

std::optional<std::string> byte_level_decode(std::string_view text) {
  const ByteMap& map = byte_map();
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = unicode::next_codepoint(text, pos);
    if (cp >= map.char_to_byte.size() || map.char_to_byte[cp] < 0) return std::nullopt;
    out.push_back(static_cast<char>(map.char_to_byte[cp]));
  }
  return out;
}

}  // namespace regenesis::tok
