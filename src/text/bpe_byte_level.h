#pragma once
// GPT-2's reversible map between bytes and printable characters, used by byte-level BPE
// (Llama 3, Qwen2/3, SmolLM2): every byte of the UTF-8 text becomes one visible character, so the
// vocabulary never needs raw spaces or control bytes (' ' is 'Ġ', '\n' is 'Ċ').
#include <optional>
#include <string>
#include <string_view>

namespace regenesis::tok {

// Each byte of `bytes` as the UTF-8 of its mapped character.
std::string byte_level_encode(std::string_view bytes);
// The bytes behind mapped text; nullopt when some character is not in the map.
std::optional<std::string> byte_level_decode(std::string_view text);

}  // namespace regenesis::tok
