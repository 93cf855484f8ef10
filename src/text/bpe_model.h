#pragma once
// The BPE model of a tokenizer.json ("model": {"type": "BPE", ...}): vocabulary, ranked merges,
// byte fallback (<0xXX> tokens), unknown-token handling and a cache of tokenized words.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/bpe_tables.h"
#include "text/tokenizer_json_reader.h"
#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

class BpeModel {
 public:
  // `model` is the "model" object; `tables`, when given, holds the vocab and merges that
  // parse_tokenizer_json took out of it (they are moved from). Errors name the file and field
  // (missing vocab, a merge that names an unknown token, unsupported options).
  static std::unique_ptr<BpeModel> from_json(const JsonNode& model, BpeTables* tables = nullptr);

  // Appends the ids of one pre-tokenized word.
  void tokenize(std::string_view word, std::vector<int32_t>& out) const;

  std::optional<int32_t> token_to_id(std::string_view token) const;
  const std::string* id_to_token(int32_t id) const { return vocab_.text_of(id); }
  int32_t max_id() const { return vocab_.max_id(); }
  size_t merge_count() const { return merges_.size(); }

 private:
  void load_merges(const std::vector<std::pair<std::string, std::string>>& merges,
                   const std::string& source);
  // The symbols of `word` before any merge (characters, byte-fallback bytes, unknowns).
  void initial_symbols(std::string_view word, std::vector<int32_t>& ids) const;
  void merge_word(std::string_view word, std::vector<int32_t>& out) const;

  TokenTable vocab_;
  MergeTable merges_;
  std::optional<int32_t> unk_id_;
  std::string continuing_subword_prefix_;
  std::string end_of_word_suffix_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::array<int32_t, 256> byte_token_ids_{};  // id of "<0xXX>", -1 when absent

  // Words seen before; bounded, and only short words (long ones are rarely repeated).
  mutable std::shared_mutex cache_mutex_;
  mutable StringMap<std::vector<int32_t>> cache_;
};

}  // namespace regenesis::tok
