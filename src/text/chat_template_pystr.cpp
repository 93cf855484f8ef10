#include "text/chat_template_pystr.h"

#include <cstdint>
#include <cstdio>

namespace regenesis::chat_detail {
namespace {

bool is_python_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Decodes the code point of `text` starting at `pos` into `cp`; returns its byte length, or 0
// for a malformed sequence (such bytes are never whitespace).
size_t decode_at(std::string_view text, size_t pos, uint32_t& cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                  : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || pos + length > text.size()) return 0;
  cp = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  return length;
}

// Byte length of the leading run of Python whitespace.
size_t leading_space(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    size_t length = decode_at(text, pos, cp);
    if (length == 0 || !is_python_space(cp)) break;
    pos += length;
  }
  return pos;
}

// Byte offset where the trailing run of Python whitespace starts.
size_t trailing_space_start(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
      --start;
    uint32_t cp = 0;
    if (decode_at(text, start, cp) != end - start || !is_python_space(cp)) break;
    end = start;
  }
  return end;
}

}  // namespace

std::string py_strip(std::string_view text) {
  size_t begin = leading_space(text);
  if (begin == text.size()) return "";
  return std::string(text.substr(begin, trailing_space_start(text) - begin));
}

std::string py_lstrip_chars(std::string_view text, std::string_view chars) {
  size_t begin = text.find_first_not_of(chars);
  return begin == std::string_view::npos ? "" : std::string(text.substr(begin));
}

std::string py_rstrip_chars(std::string_view text, std::string_view chars) {
  size_t last = text.find_last_not_of(chars);
  return last == std::string_view::npos ? "" : std::string(text.substr(0, last + 1));
}

std::string py_strip_chars(std::string_view text, std::string_view chars) {
  return py_rstrip_chars(py_lstrip_chars(text, chars), chars);
}

std::string_view after_last(std::string_view text, std::string_view separator) {
  size_t at = text.rfind(separator);
  return at == std::string_view::npos ? text : text.substr(at + separator.size());
}

std::string_view before_first(std::string_view text, std::string_view separator) {
  size_t at = text.find(separator);
  return at == std::string_view::npos ? text : text.substr(0, at);
}

std::string py_json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace regenesis::chat_detail
