// Token ids in tokenizer.json are bounded by limits::kTokenIdMax (docs/HARDENING.md): an added
// token with id INT32_MAX overflowed the vocabulary size, and a 3-token vocabulary with id
// 1,500,000,000 allocated 6 GB. Both readers are checked: Tokenizer::load (the streaming reader
// of tokenizer.json) and Tokenizer::from_json (a parsed value).
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "test_support.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"

namespace regenesis {
namespace {

Json tokenizer_json(long long vocab_id, long long added_id) {
  Json model = {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", vocab_id}}}, {"merges", Json::array()}};
  Json added = Json::array({{{"id", added_id}, {"content", "<big>"}, {"special", true}}});
  return {{"version", "1.0"}, {"added_tokens", added}, {"model", model}};
}

using test::error_of;

// Loads the JSON both ways; both must give the same Error, which is returned.
std::string load_error(const Json& json) {
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", json.dump());
  std::string from_file = error_of([&] { Tokenizer::load(dir / "tokenizer.json"); });
  std::string from_value = error_of([&] { Tokenizer::from_json(json, "tokenizer.json"); });
  EXPECT_NE(from_file.find("16777215"), std::string::npos) << from_file;
  EXPECT_NE(from_value.find("16777215"), std::string::npos) << from_value;
  return from_file;
}

TEST(TokenizerLimits, AddedTokenIdInt32MaxIsAnError) {
  std::string message = load_error(tokenizer_json(1, 2147483647));
  EXPECT_NE(message.find("added_tokens"), std::string::npos) << message;
  EXPECT_NE(message.find("2147483647"), std::string::npos) << message;
}

TEST(TokenizerLimits, SparseHugeVocabularyIdIsAnError) {
  std::string message = load_error(tokenizer_json(1'500'000'000, 2));
  EXPECT_NE(message.find("'b'"), std::string::npos) << message;
}

TEST(TokenizerLimits, IdsAtTheLimitLoad) {
  const long long max_id = limits::kTokenIdMax;
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", tokenizer_json(max_id - 1, max_id).dump());
  std::vector<Tokenizer> both;
  both.push_back(Tokenizer::load(dir / "tokenizer.json"));
  both.push_back(Tokenizer::from_json(tokenizer_json(max_id - 1, max_id), "tokenizer.json"));
  for (const Tokenizer& t : both) {
    EXPECT_EQ(t.vocab_size(), static_cast<size_t>(max_id) + 1);
    EXPECT_EQ(t.encode("ab<big>"), (std::vector<int32_t>{0, static_cast<int32_t>(max_id - 1),
                                                         static_cast<int32_t>(max_id)}));
    EXPECT_EQ(t.decode({static_cast<int32_t>(max_id)}), "<big>");
  }
}

}  // namespace
}  // namespace regenesis
