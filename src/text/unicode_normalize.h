#pragma once
// Unicode normalization forms and case folding (utf8proc), as the tokenizer normalizers need them.
#include <string>
#include <string_view>

namespace regenesis::unicode {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

// `text` must be valid UTF-8 (the tokenizer repairs its input first).
std::string normalize(std::string_view text, NormalForm form);
// Per-character full lowercase mapping (as Rust char::to_lowercase, without context rules).
std::string lowercase(std::string_view text);

}  // namespace regenesis::unicode
