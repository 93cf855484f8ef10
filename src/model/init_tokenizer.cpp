#include "model/init_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <map>
#include <unordered_map>

#include "text/chat_template.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {

namespace {

std::string utf8(unsigned code_point) {
  std::string out;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return out;
}

// Bytes GPT-2's map keeps as their own Latin-1 character; the others move to U+0100 onwards.
bool is_printable_byte(unsigned b) { return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174; }

bool is_letter(unsigned char c) { return std::isalpha(c) || c >= 0x80; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_other(unsigned char c) { return !is_letter(c) && !is_digit(c) && !is_space(c); }

size_t contraction_length(std::string_view text, size_t i) {
  if (text[i] != '\'' || i + 1 >= text.size()) return 0;
  const std::string_view rest = text.substr(i + 1, 2);
  for (std::string_view two : {"re", "ve", "ll"})
    if (rest.substr(0, 2) == two) return 3;
  const char c = text[i + 1];
  return (c == 's' || c == 't' || c == 'm' || c == 'd') ? 2 : 0;
}

using Pair = std::pair<int, int>;
struct PairHash {
  size_t operator()(const Pair& p) const { return std::hash<long long>()((long long)p.first << 32 | p.second); }
};

}  // namespace

const std::vector<std::string>& byte_level_alphabet() {
  static const std::vector<std::string> alphabet = [] {
    std::vector<std::string> out(256);
    unsigned next_unprintable = 256;
    for (unsigned b = 0; b < 256; ++b) out[b] = utf8(is_printable_byte(b) ? b : next_unprintable++);
    return out;
  }();
  return alphabet;
}

std::vector<std::string> pre_tokenize_words(std::string_view text) {
  std::vector<std::string> words;
  const size_t n = text.size();
  auto at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < n) {
    if (size_t c = contraction_length(text, i)) {
      words.emplace_back(text.substr(i, c));
      i += c;
      continue;
    }
    if (!is_space(at(i)) || (at(i) == ' ' && i + 1 < n && !is_space(at(i + 1)))) {
      // " ?" then a run of one class: letters, digits, or other symbols.
      size_t j = at(i) == ' ' ? i + 1 : i;
      const unsigned char first = at(j);
      auto same_class = [&](unsigned char c) {
        return is_letter(first) ? is_letter(c) : is_digit(first) ? is_digit(c) : is_other(c);
      };
      while (j < n && same_class(at(j))) ++j;
      words.emplace_back(text.substr(i, j - i));
      i = j;
      continue;
    }
    // Whitespace: a run followed by text leaves its last character to start the next word
    // (GPT-2's \s+(?!\S)), and a lone non-space whitespace character stands alone.
    size_t k = i;
    while (k < n && is_space(at(k))) ++k;
    size_t end = (k == n || k - i == 1) ? k : k - 1;
    words.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return words;
}

ByteLevelBpe train_byte_level_bpe(std::string_view corpus, int vocab_limit,
                                  std::vector<std::string> special_tokens, bool merge_digits) {
  const int base = static_cast<int>(special_tokens.size()) + 256;
  if (vocab_limit < base) fail("tokenizer vocab limit ", vocab_limit, " is below ", base, " (specials + 256 bytes)");
  ByteLevelBpe bpe;
  bpe.special_tokens = special_tokens;
  bpe.vocab = special_tokens;
  std::unordered_map<std::string, int> id_of;
  for (size_t i = 0; i < special_tokens.size(); ++i) id_of[special_tokens[i]] = static_cast<int>(i);

  // Byte symbols in the order of their characters, as the HF trainer sorts its alphabet.
  const auto& alphabet = byte_level_alphabet();
  std::vector<int> bytes(256);
  for (int b = 0; b < 256; ++b) bytes[b] = b;
  // (The moved bytes' characters follow all kept ones, in byte order.)
  auto character_order = [](int b) { return is_printable_byte(b) ? b : 256 + b; };
  std::sort(bytes.begin(), bytes.end(),
            [&](int a, int b) { return character_order(a) < character_order(b); });
  std::vector<int> byte_id(256);
  std::vector<bool> is_digit_symbol(bpe.vocab.size() + 256, false);
  for (int b : bytes) {
    if (is_digit(static_cast<unsigned char>(b))) is_digit_symbol[bpe.vocab.size()] = true;
    byte_id[b] = static_cast<int>(bpe.vocab.size());
    id_of[alphabet[b]] = byte_id[b];
    bpe.vocab.push_back(alphabet[b]);
  }

  std::map<std::string, long> word_counts;  // ordered: the same symbol lists on every run
  for (auto& word : pre_tokenize_words(corpus)) ++word_counts[word];
  std::vector<std::vector<int>> words;
  std::vector<long> counts;
  for (const auto& [word, count] : word_counts) {
    std::vector<int> symbols;
    for (unsigned char c : word) symbols.push_back(byte_id[c]);
    words.push_back(std::move(symbols));
    counts.push_back(count);
  }

  while (static_cast<int>(bpe.vocab.size()) < vocab_limit) {
    std::unordered_map<Pair, long, PairHash> pair_counts;
    auto digit = [&](int id) { return id < static_cast<int>(is_digit_symbol.size()) && is_digit_symbol[id]; };
    for (size_t w = 0; w < words.size(); ++w)
      for (size_t s = 0; s + 1 < words[w].size(); ++s) {
        const int left = words[w][s], right = words[w][s + 1];
        if (!merge_digits && (digit(left) || digit(right))) continue;
        pair_counts[{left, right}] += counts[w];
      }
    const Pair* best = nullptr;
    long best_count = 1;  // a pair must occur at least twice to be worth a token
    for (const auto& [pair, count] : pair_counts) {
      const bool wins = count > best_count ||
                        (count == best_count && best &&
                         std::tie(bpe.vocab[pair.first], bpe.vocab[pair.second]) <
                             std::tie(bpe.vocab[best->first], bpe.vocab[best->second]));
      if (wins) best = &pair, best_count = count;
    }
    if (!best) break;
    const Pair merged = *best;
    const std::string token = bpe.vocab[merged.first] + bpe.vocab[merged.second];
    auto [it, added] = id_of.emplace(token, static_cast<int>(bpe.vocab.size()));
    if (added) bpe.vocab.push_back(token);
    bpe.merges.emplace_back(bpe.vocab[merged.first], bpe.vocab[merged.second]);
    for (auto& symbols : words) {
      std::vector<int> out;
      out.reserve(symbols.size());
      for (size_t s = 0; s < symbols.size(); ++s) {
        if (s + 1 < symbols.size() && symbols[s] == merged.first && symbols[s + 1] == merged.second) {
          out.push_back(it->second);
          ++s;
        } else {
          out.push_back(symbols[s]);
        }
      }
      symbols = std::move(out);
    }
  }
  return bpe;
}

nlohmann::ordered_json byte_level_tokenizer_json(const ByteLevelBpe& bpe) {
  using OJ = nlohmann::ordered_json;
  OJ added = OJ::array();
  for (size_t id = 0; id < bpe.special_tokens.size(); ++id)
    added.push_back({{"id", id}, {"content", bpe.special_tokens[id]}, {"single_word", false},
                     {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", true}});
  OJ vocab = OJ::object();
  for (size_t id = 0; id < bpe.vocab.size(); ++id) vocab[bpe.vocab[id]] = id;
  OJ merges = OJ::array();
  for (const auto& [left, right] : bpe.merges) merges.push_back(left + " " + right);
  auto byte_level = [](bool add_prefix_space) {
    return OJ{{"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space},
              {"trim_offsets", true}, {"use_regex", true}};
  };
  OJ model = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
              {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr},
              {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
              {"vocab", vocab}, {"merges", merges}};
  return OJ{{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr},
            {"added_tokens", added}, {"normalizer", nullptr},
            {"pre_tokenizer", byte_level(false)}, {"post_processor", nullptr},
            {"decoder", byte_level(true)}, {"model", model}};
}

void write_init_tokenizer_files(const std::filesystem::path& dir, const ByteLevelBpe& bpe,
                                long model_max_length) {
  using OJ = nlohmann::ordered_json;
  if (bpe.special_tokens != std::vector<std::string>{kEndOfTextToken, kImStartToken, kImEndToken})
    fail("init tokenizer: expected the ChatML special tokens as ids 0..2");
  write_file_atomic(dir / "tokenizer.json", byte_level_tokenizer_json(bpe).dump(2) + "\n");

  OJ added_decoder = OJ::object();
  for (size_t id = 0; id < bpe.special_tokens.size(); ++id)
    added_decoder[std::to_string(id)] = {{"content", bpe.special_tokens[id]}, {"lstrip", false},
                                         {"normalized", false}, {"rstrip", false},
                                         {"single_word", false}, {"special", true}};
  const OJ config = {{"add_bos_token", false},
                     {"add_eos_token", false},
                     {"add_prefix_space", false},
                     {"added_tokens_decoder", added_decoder},
                     {"additional_special_tokens", {kImStartToken, kImEndToken}},
                     {"bos_token", kEndOfTextToken},
                     {"chat_template", kChatMLJinja},
                     {"clean_up_tokenization_spaces", false},
                     {"eos_token", kImEndToken},
                     {"model_max_length", model_max_length},
                     {"pad_token", kEndOfTextToken},
                     {"tokenizer_class", "PreTrainedTokenizerFast"},
                     {"unk_token", nullptr}};
  write_file_atomic(dir / "tokenizer_config.json", config.dump(2) + "\n");
  const OJ special_map = {{"additional_special_tokens", {kImStartToken, kImEndToken}},
                          {"bos_token", kEndOfTextToken},
                          {"eos_token", kImEndToken},
                          {"pad_token", kEndOfTextToken}};
  write_file_atomic(dir / "special_tokens_map.json", special_map.dump(2) + "\n");
}

}  // namespace regenesis
