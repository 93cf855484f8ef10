#pragma once
// Helpers shared by the tokenizer tests: real tokenizers from ../shared loaded once per binary,
// and reading reference vectors.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer.h"
#include "text/unicode_utf8.h"
#include "util/json.h"

namespace regenesis::test {

// Loads `dir` the first time and returns the same Tokenizer afterwards (the big tokenizer.json
// files take a fraction of a second each to parse; tests share them).
inline const Tokenizer& cached_tokenizer(const std::filesystem::path& dir) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto& slot = cache[dir.string()];
  if (!slot) slot = std::make_unique<Tokenizer>(Tokenizer::load(dir));
  return *slot;
}

inline std::vector<int32_t> json_ids(const Json& array) {
  std::vector<int32_t> ids;
  for (const auto& v : array) ids.push_back(v.get<int32_t>());
  return ids;
}

// Decodes `ids` token by token; checks every piece is valid UTF-8 and returns push() + finish().
inline std::string stream_decode(const Tokenizer& tokenizer, const std::vector<int32_t>& ids,
                                 bool skip_special, std::string* pushed_only = nullptr) {
  IncrementalDecoder decoder(tokenizer, skip_special);
  std::string all;
  for (int32_t id : ids) {
    std::string piece = decoder.push(id);
    EXPECT_TRUE(unicode::is_valid_utf8(piece)) << "push(" << id << ") gave invalid UTF-8";
    all += piece;
  }
  if (pushed_only) *pushed_only = all;
  std::string rest = decoder.finish();
  EXPECT_TRUE(unicode::is_valid_utf8(rest));
  all += rest;
  EXPECT_EQ(decoder.text(), all);
  return all;
}

}  // namespace regenesis::test
