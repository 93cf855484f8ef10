#include "text/unicode_utf8.h"

#include <utf8proc.h>

namespace regenesis::unicode {

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementChar;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

// Expected continuation count and the allowed range of the first continuation byte for a lead
// byte (Unicode Table 3-7, which excludes overlong forms and surrogates); needed < 0: invalid.
struct LeadInfo {
  int needed;
  unsigned char lower, upper;
};

LeadInfo lead_info(unsigned char b) {
  if (b < 0x80) return {0, 0x80, 0xBF};
  if (b >= 0xC2 && b <= 0xDF) return {1, 0x80, 0xBF};
  if (b == 0xE0) return {2, 0xA0, 0xBF};
  if (b >= 0xE1 && b <= 0xEC) return {2, 0x80, 0xBF};
  if (b == 0xED) return {2, 0x80, 0x9F};
  if (b >= 0xEE && b <= 0xEF) return {2, 0x80, 0xBF};
  if (b == 0xF0) return {3, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {3, 0x80, 0xBF};
  if (b == 0xF4) return {3, 0x80, 0x8F};
  return {-1, 0, 0};
}

// Length of the valid character at text[pos], or 0 when the bytes there are not one.
size_t valid_length_at(std::string_view text, size_t pos) {
  auto lead = static_cast<unsigned char>(text[pos]);
  LeadInfo info = lead_info(lead);
  if (info.needed < 0) return 0;
  if (pos + info.needed >= text.size()) return info.needed == 0 ? 1 : 0;
  for (int k = 1; k <= info.needed; ++k) {
    auto c = static_cast<unsigned char>(text[pos + k]);
    unsigned char lo = k == 1 ? info.lower : 0x80, hi = k == 1 ? info.upper : 0xBF;
    if (c < lo || c > hi) return 0;
  }
  return 1 + info.needed;
}

}  // namespace

size_t codepoint_length(std::string_view text, size_t pos) {
  size_t n = valid_length_at(text, pos);
  return n == 0 ? 1 : n;
}

char32_t next_codepoint(std::string_view text, size_t& pos) {
  size_t n = valid_length_at(text, pos);
  auto b0 = static_cast<unsigned char>(text[pos]);
  if (n == 0) {
    ++pos;
    return kReplacementChar;
  }
  char32_t cp;
  if (n == 1) cp = b0;
  else if (n == 2) cp = b0 & 0x1F;
  else if (n == 3) cp = b0 & 0x0F;
  else cp = b0 & 0x07;
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
  pos += n;
  return cp;
}

bool is_valid_utf8(std::string_view bytes) {
  for (size_t pos = 0; pos < bytes.size();) {
    size_t n = valid_length_at(bytes, pos);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

void Utf8Repair::feed(std::string_view bytes, std::string& out) {
  static const std::string kReplacement = "\xEF\xBF\xBD";
  for (size_t i = 0; i < bytes.size();) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (needed_ == 0) {
      LeadInfo info = lead_info(b);
      if (info.needed < 0) {
        out += kReplacement;
      } else if (info.needed == 0) {
        out.push_back(static_cast<char>(b));
      } else {
        pending_.assign(1, static_cast<char>(b));
        needed_ = info.needed;
        lower_ = info.lower;
        upper_ = info.upper;
      }
      ++i;
      continue;
    }
    if (b < lower_ || b > upper_) {
      // The pending prefix is a maximal ill-formed subsequence; `b` starts afresh.
      out += kReplacement;
      pending_.clear();
      needed_ = 0;
      continue;
    }
    pending_.push_back(static_cast<char>(b));
    lower_ = 0x80;
    upper_ = 0xBF;
    ++i;
    if (--needed_ == 0) {
      out += pending_;
      pending_.clear();
    }
  }
}

void Utf8Repair::finish(std::string& out) {
  if (needed_ > 0) out += "\xEF\xBF\xBD";
  pending_.clear();
  needed_ = 0;
}

std::string to_valid_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  Utf8Repair repair;
  repair.feed(bytes, out);
  repair.finish(out);
  return out;
}

bool is_whitespace(char32_t cp) {
  if (cp >= 0x09 && cp <= 0x0D) return true;
  switch (cp) {
    case 0x20: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool is_numeric(char32_t cp) {
  auto category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL ||
         category == UTF8PROC_CATEGORY_NO;
}

bool is_alphanumeric(char32_t cp) {
  auto category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
         is_numeric(cp);
}

}  // namespace regenesis::unicode
