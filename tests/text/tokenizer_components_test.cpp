// The tokenizer's parts on their own: split behaviours, pre-tokenizers, normalizers, decoders,
// UTF-8 repair and the streaming clean-up. Expected values are HF tokenizers' documented examples
// (its docs and unit tests) or independent computations in the test.
#include <gtest/gtest.h>

#include <random>

#include "text/bpe_byte_level.h"
#include "text/decoder_chain.h"
#include "text/normalizer.h"
#include "text/pre_tokenizer.h"
#include "text/tokenizer_regex.h"
#include "text/unicode_utf8.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using tok::JsonNode;
using Pieces = std::vector<std::string>;

Pieces pre_tokenize(const Json& config, const std::string& text) {
  auto pre = tok::make_pre_tokenizer(JsonNode(config, "test", "pre_tokenizer"));
  std::vector<tok::PreToken> pieces{{text, true}};
  pre->split(pieces);
  Pieces out;
  for (const auto& p : pieces) out.push_back(p.text);
  return out;
}

Json split_config(const std::string& delimiter, const std::string& behavior) {
  return {{"type", "Split"}, {"pattern", {{"String", delimiter}}}, {"behavior", behavior}, {"invert", false}};
}

TEST(TokenizerComponents, SplitBehavioursAsDocumentedByHf) {
  // The SplitDelimiterBehavior examples of the HF tokenizers documentation.
  const std::string text = "the-final--countdown";
  EXPECT_EQ(pre_tokenize(split_config("-", "Removed"), text), (Pieces{"the", "final", "countdown"}));
  EXPECT_EQ(pre_tokenize(split_config("-", "Isolated"), text),
            (Pieces{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(pre_tokenize(split_config("-", "MergedWithPrevious"), text),
            (Pieces{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(pre_tokenize(split_config("-", "MergedWithNext"), text),
            (Pieces{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(pre_tokenize(split_config("-", "Contiguous"), text),
            (Pieces{"the", "-", "final", "--", "countdown"}));
  Json inverted = {{"type", "Split"}, {"pattern", {{"Regex", "\\w+"}}}, {"behavior", "Removed"}, {"invert", true}};
  EXPECT_EQ(pre_tokenize(inverted, "Hey friend!  ok"), (Pieces{"Hey", "friend", "ok"}));
}

TEST(TokenizerComponents, RegexIsUnicodeAware) {
  Json llama3_like = {{"type", "Split"},
                      {"pattern", {{"Regex", "(?i:'s|'t)|\\p{L}+|\\p{N}{1,3}|\\s+"}}},
                      {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_EQ(pre_tokenize(llama3_like, "Straße'S 12345"), (Pieces{"Straße", "'S", " ", "123", "45"}));
  EXPECT_EQ(pre_tokenize(llama3_like, "a\u3000\u00a0b"), (Pieces{"a", "\u3000\u00a0", "b"}));
}

TEST(TokenizerComponents, DigitsAsInHfUnitTests) {
  Json individual = {{"type", "Digits"}, {"individual_digits", true}};
  Json grouped = {{"type", "Digits"}, {"individual_digits", false}};
  EXPECT_EQ(pre_tokenize(individual, "Hey 123 friend!"), (Pieces{"Hey ", "1", "2", "3", " friend!"}));
  EXPECT_EQ(pre_tokenize(grouped, "Hey 123 friend!"), (Pieces{"Hey ", "123", " friend!"}));
  // Any Unicode numeric character counts (Rust's char::is_numeric): '½' and Arabic-Indic digits.
  EXPECT_EQ(pre_tokenize(grouped, "x\u00bd\u0663y"), (Pieces{"x", "\u00bd\u0663", "y"}));
}

TEST(TokenizerComponents, MetaspaceAsInHfUnitTests) {
  Json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}, {"split", true}};
  EXPECT_EQ(pre_tokenize(metaspace, "Hey friend!"), (Pieces{"\u2581Hey", "\u2581friend!"}));
  EXPECT_EQ(pre_tokenize(metaspace, "Hey   friend!"),
            (Pieces{"\u2581Hey", "\u2581", "\u2581", "\u2581friend!"}));
  Json first = metaspace;
  first["prepend_scheme"] = "first";
  auto pre = tok::make_pre_tokenizer(JsonNode(first, "test", "pre_tokenizer"));
  std::vector<tok::PreToken> pieces{{"Hey", false}};  // not at the start of the input
  pre->split(pieces);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].text, "Hey");
}

TEST(TokenizerComponents, WhitespacePreTokenizers) {
  EXPECT_EQ(pre_tokenize({{"type", "Whitespace"}}, "Hey man!!  How's it going?"),
            (Pieces{"Hey", "man", "!!", "How", "'", "s", "it", "going", "?"}));
  EXPECT_EQ(pre_tokenize({{"type", "WhitespaceSplit"}}, "Hey man!!  How's\tit"),
            (Pieces{"Hey", "man!!", "How's", "it"}));
}

TEST(TokenizerComponents, ByteLevelAsInHfUnitTests) {
  Json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  EXPECT_EQ(pre_tokenize(byte_level, "Hello my friend, how is your day going?"),
            (Pieces{"Hello", "\u0120my", "\u0120friend", ",", "\u0120how", "\u0120is", "\u0120your",
                    "\u0120day", "\u0120going", "?"}));
  EXPECT_EQ(pre_tokenize(byte_level, "Hello there       dear"),
            (Pieces{"Hello", "\u0120there", "\u0120\u0120\u0120\u0120\u0120\u0120", "\u0120dear"}));
  EXPECT_EQ(pre_tokenize(byte_level, "Hello there\nHello there"),
            (Pieces{"Hello", "\u0120there", "\u010a", "Hello", "\u0120there"}));
  Json prefixed = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", false}};
  EXPECT_EQ(pre_tokenize(prefixed, "Hi you"), (Pieces{"\u0120Hi\u0120you"}));
}

TEST(TokenizerComponents, ByteLevelMapIsABijectionOverAllBytes) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string mapped = tok::byte_level_encode(all);
  EXPECT_TRUE(unicode::is_valid_utf8(mapped));
  EXPECT_EQ(tok::byte_level_decode(mapped), all);
  EXPECT_EQ(tok::byte_level_encode(" \n"), "\u0120\u010a");  // the familiar Ġ and Ċ
  EXPECT_EQ(tok::byte_level_decode("a\u4e2d"), std::nullopt);  // '中' is not in the map
}

std::string normalize(const Json& config, std::string text) {
  tok::make_normalizer(JsonNode(config, "test", "normalizer"))->normalize(text);
  return text;
}

TEST(TokenizerComponents, Normalizers) {
  EXPECT_EQ(normalize({{"type", "NFC"}}, "e\u0301"), "\u00e9");
  EXPECT_EQ(normalize({{"type", "NFD"}}, "\u00e9"), "e\u0301");
  EXPECT_EQ(normalize({{"type", "NFKC"}}, "\u2460\ufb01"), "1fi");
  EXPECT_EQ(normalize({{"type", "Lowercase"}}, "ÀB\u0130c"), "àbi\u0307c");
  Json sentencepiece = {{"type", "Sequence"},
                        {"normalizers", {{{"type", "Prepend"}, {"prepend", "\u2581"}},
                                         {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}};
  EXPECT_EQ(normalize(sentencepiece, "Hi you"), "\u2581Hi\u2581you");
  EXPECT_EQ(normalize(sentencepiece, ""), "");  // Prepend leaves empty text alone
  EXPECT_EQ(normalize({{"type", "Replace"}, {"pattern", {{"Regex", "\\s+"}}}, {"content", "_"}}, "a \t b\nc"), "a_b_c");
  EXPECT_EQ(normalize({{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}}, " \u3000x y\n"), "x y");
}

std::string decode_tokens(const Json& config, const std::vector<std::string>& tokens, bool cleanup = false) {
  tok::DecoderChain chain = tok::DecoderChain::from_json(JsonNode(config, "test", "decoder"));
  chain.set_cleanup(cleanup);
  tok::DecodeState state;
  std::string out;
  for (const auto& t : tokens) chain.push(state, t, false, out);
  chain.finish(state, out);
  return out;
}

TEST(TokenizerComponents, Decoders) {
  EXPECT_EQ(decode_tokens({{"type", "ByteLevel"}}, {"Hello", "\u0120my", "\u0120friend", ","}), "Hello my friend,");
  // Metaspace: HF's example, the first token loses its replacement character.
  Json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}};
  EXPECT_EQ(decode_tokens(metaspace, {"\u2581Hey", "\u2581friend!"}), "Hey friend!");
  Json sentencepiece = {{"type", "Sequence"},
                        {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                                      {{"type", "ByteFallback"}}, {{"type", "Fuse"}},
                                      {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  EXPECT_EQ(decode_tokens(sentencepiece, {"\u2581Hi", "<0xE2>", "<0x82>", "<0xAC>", "\u2581x"}), "Hi\u20ac x");
  EXPECT_EQ(decode_tokens(sentencepiece, {"\u2581\u2581Hi"}), " Hi");  // only one space is stripped
  EXPECT_EQ(decode_tokens(sentencepiece, {"<0xE2>", "<0x82>", "a"}), "\ufffda");
  Json strip_each = {{"type", "Strip"}, {"content", "x"}, {"start", 1}, {"stop", 1}};
  // Before Fuse, Strip acts on every token, removing at most `start`/`stop` characters.
  EXPECT_EQ(decode_tokens(strip_each, {"xax", "xxbxx"}), "axbx");
  EXPECT_EQ(decode_tokens(nullptr, {"a", "b"}), "a b");
}

// transformers' rules, applied to a whole text in order (written here independently).
std::string reference_cleanup(std::string text) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
           {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}}) {
    text = replace_all(text, from, to);
  }
  return text;
}

TEST(TokenizerComponents, StreamingCleanupEqualsWholeTextCleanup) {
  // Text made of the pieces the rules look at, cut into random tokens: the streamed result must
  // equal the rules applied to the whole text, and nothing may be emitted then taken back.
  std::mt19937 rng(11);
  const std::vector<std::string> alphabet = {" ", " ", "'", "n", "t", "m", "s", "v", "e", "r", ".", "?", ",", "a", "!"};
  const Json fuse = {{"type", "Fuse"}};  // tokens pass through as written
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::string> tokens;
    std::string whole;
    for (size_t n = 1 + rng() % 12; n > 0; --n) {
      std::string token;
      for (size_t k = 1 + rng() % 3; k > 0; --k) token += alphabet[rng() % alphabet.size()];
      tokens.push_back(token);
      whole += token;
    }
    tok::DecoderChain chain = tok::DecoderChain::from_json(JsonNode(fuse, "t", "decoder"));
    chain.set_cleanup(true);
    tok::DecodeState state;
    std::string out;
    for (const auto& t : tokens) chain.push(state, t, false, out);
    chain.finish(state, out);
    ASSERT_EQ(out, reference_cleanup(whole)) << "text [" << whole << "]";
  }
}

TEST(TokenizerComponents, Utf8RepairFollowsTheWhatwgRules) {
  EXPECT_EQ(unicode::to_valid_utf8("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC");
  EXPECT_EQ(unicode::to_valid_utf8("\xF0\x9F\x98" "A"), "\ufffd" "A");  // truncated: one U+FFFD
  EXPECT_EQ(unicode::to_valid_utf8("\xC0\x80"), "\ufffd\ufffd");         // overlong: per byte
  EXPECT_EQ(unicode::to_valid_utf8("\xED\xA0\x80"), "\ufffd\ufffd\ufffd");  // surrogate
  EXPECT_EQ(unicode::to_valid_utf8("\xFF" "a\x80"), "\ufffd" "a\ufffd");
  // Fed in pieces, the result is the same as fed whole, for random bytes cut anywhere.
  std::mt19937 rng(3);
  const unsigned char interesting[] = {'a', 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x90};
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes;
    for (size_t n = rng() % 16; n > 0; --n) bytes.push_back(static_cast<char>(interesting[rng() % sizeof(interesting)]));
    unicode::Utf8Repair repair;
    std::string streamed;
    for (size_t pos = 0; pos < bytes.size();) {
      size_t len = 1 + rng() % 4;
      std::string piece;
      repair.feed(std::string_view(bytes).substr(pos, len), piece);
      EXPECT_TRUE(unicode::is_valid_utf8(piece));
      streamed += piece;
      pos += len;
    }
    repair.finish(streamed);
    ASSERT_EQ(streamed, unicode::to_valid_utf8(bytes));
    ASSERT_TRUE(unicode::is_valid_utf8(streamed));
  }
}

}  // namespace
}  // namespace regenesis
