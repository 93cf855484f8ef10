#pragma once
// The project's own small tokenizer for models made by `model init`: byte-level BPE in the
// Hugging Face tokenizer.json format (ByteLevel pre-tokenizer and decoder, as GPT-2, Qwen2 and
// SmolLM use), with merges learned deterministically from a small built-in corpus, plus the
// ChatML special tokens. No torch here.
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis {

inline constexpr const char* kEndOfTextToken = "<|endoftext|>";  // id 0: BOS and pad
inline constexpr const char* kImStartToken = "<|im_start|>";     // id 1
inline constexpr const char* kImEndToken = "<|im_end|>";         // id 2: EOS (end of a turn)

// The built-in training text (src/model/init_corpus.cpp).
std::string_view init_tokenizer_corpus();

struct ByteLevelBpe {
  std::vector<std::string> special_tokens;  // ids 0..specials-1
  std::vector<std::string> vocab;           // id -> token in byte-level characters (specials too)
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order
};

// GPT-2's byte -> printable character map (as UTF-8): bytes that are printable Latin-1 map to
// themselves, the rest to U+0100 onwards in byte order.
const std::vector<std::string>& byte_level_alphabet();

// Splits text the way the ByteLevel pre-tokenizer's GPT-2 pattern does (contractions, an optional
// leading space + a run of letters / digits / other symbols, whitespace runs), treating bytes
// >= 0x80 as letters. Training only needs the same word boundaries in spirit, not byte-exact.
std::vector<std::string> pre_tokenize_words(std::string_view text);

// Learns merges from `corpus` until the vocab (specials + 256 byte symbols + merged tokens) holds
// `vocab_limit` tokens or no pair occurs twice. The most frequent pair wins; ties go to the pair
// whose (left, right) token strings sort first, so the result never depends on hash order.
// With merge_digits false, no merge involves a digit, so every number is spelled digit by digit
// (the toy reasoner learns arithmetic on digits instead of a lookup table of number tokens).
ByteLevelBpe train_byte_level_bpe(std::string_view corpus, int vocab_limit,
                                  std::vector<std::string> special_tokens, bool merge_digits = true);

// tokenizer.json content for `bpe`.
nlohmann::ordered_json byte_level_tokenizer_json(const ByteLevelBpe& bpe);

// Writes tokenizer.json, tokenizer_config.json (bos/eos/pad, the ChatML template
// kChatMLJinja of text/chat_template.h, model_max_length)
// and special_tokens_map.json for a tokenizer trained with the three ChatML special tokens.
void write_init_tokenizer_files(const std::filesystem::path& dir, const ByteLevelBpe& bpe,
                                long model_max_length);

}  // namespace regenesis
