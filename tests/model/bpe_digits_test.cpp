// train_byte_level_bpe with merge_digits = false (the toy reasoner's tokenizer): no merge touches
// a digit, so the HF-format tokenizer written from it spells every number digit by digit, while
// words still merge; text round-trips through the project's tokenizer loader.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/init_tokenizer.h"
#include "test_support.h"
#include "text/tokenizer.h"
#include "util/files.h"

namespace regenesis {
namespace {

const char* const kText =
    "Tom has 19 apples. He buys 23 more, so he has 19 + 23 = 42 apples.\n"
    "Ann has 7 pens. She gives 2 to Tom, so she has 7 - 2 = 5 pens.\n"
    "The answer is \\boxed{42}. The answer is \\boxed{5}. 1919 1919 2323 4242 100 100 100\n";

bool has_digit(const std::string& token) {
  for (char c : token)
    if (c >= '0' && c <= '9') return true;
  return false;
}

TEST(BpeDigits, NoMergeContainsADigitButWordsStillMerge) {
  std::string corpus;
  for (int i = 0; i < 20; ++i) corpus += kText;
  const ByteLevelBpe split = train_byte_level_bpe(corpus, 600, {"<s>"}, /*merge_digits=*/false);
  for (const auto& [left, right] : split.merges) EXPECT_FALSE(has_digit(left) || has_digit(right)) << left << right;
  for (size_t id = 257; id < split.vocab.size(); ++id) EXPECT_FALSE(has_digit(split.vocab[id])) << split.vocab[id];
  // The default still merges digit runs that repeat.
  const ByteLevelBpe merged = train_byte_level_bpe(corpus, 600, {"<s>"});
  bool digit_merge = false;
  for (const auto& [left, right] : merged.merges) digit_merge = digit_merge || has_digit(left + right);
  EXPECT_TRUE(digit_merge);
  // Words merge the same way: " apples" is one token either way.
  EXPECT_NE(std::find(split.vocab.begin(), split.vocab.end(), "\xC4\xA0" "apples"), split.vocab.end());
}

TEST(BpeDigits, WrittenTokenizerSpellsNumbersDigitByDigitAndRoundTrips) {
  std::string corpus;
  for (int i = 0; i < 20; ++i) corpus += kText;
  const ByteLevelBpe bpe =
      train_byte_level_bpe(corpus, 600, {kEndOfTextToken, kImStartToken, kImEndToken}, false);
  test::TempDir dir;
  write_init_tokenizer_files(dir.path(), bpe, 512);
  const Tokenizer tokenizer = Tokenizer::load(dir.path());

  const std::string text = "Tom has 1919 apples and 2323 pens: 19 + 23 = 42.";
  const auto ids = tokenizer.encode(text);
  EXPECT_EQ(tokenizer.decode(ids), text);
  std::string digits_seen;
  for (int32_t id : ids) {
    const std::string piece = tokenizer.decode({id});
    if (has_digit(piece)) {
      EXPECT_EQ(piece.size(), 1u) << "a token holds more than one digit: \"" << piece << "\"";
      digits_seen += piece;
    }
  }
  EXPECT_EQ(digits_seen, "19192323192342");
  // " apples" (a corpus word) is one token; the text is shorter in tokens than in bytes.
  EXPECT_EQ(tokenizer.encode(" apples").size(), 1u);
  EXPECT_LT(ids.size(), text.size() * 2 / 3);
}

}  // namespace
}  // namespace regenesis
