// The BPE tokenizer on small tokenizer.json files built in the test (no ../shared needed): merge
// order against a direct implementation of the BPE definition, byte fallback, unknown tokens,
// ignore_merges, added tokens, post-processing, and errors for malformed files.
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

// A tokenizer.json with the given model and everything else null.
Json tokenizer_json(Json model) {
  return Json{{"version", "1.0"},       {"truncation", nullptr}, {"padding", nullptr},
              {"added_tokens", Json::array()}, {"normalizer", nullptr}, {"pre_tokenizer", nullptr},
              {"post_processor", nullptr}, {"decoder", nullptr}, {"model", std::move(model)}};
}

Json bpe_model(const Json& vocab, const Json& merges) {
  return Json{{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
              {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr},
              {"fuse_unk", false}, {"byte_fallback", false}, {"vocab", vocab}, {"merges", merges}};
}

// BPE by its definition: repeatedly merge the adjacent pair with the lowest merge rank (the
// leftmost when several have it) until no adjacent pair has a merge.
std::vector<std::string> reference_bpe(const std::string& word,
                                       const std::map<std::pair<std::string, std::string>, int>& ranks) {
  std::vector<std::string> symbols;
  for (char c : word) symbols.emplace_back(1, c);
  while (true) {
    int best_rank = INT32_MAX;
    size_t best = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto it = ranks.find({symbols[i], symbols[i + 1]});
      if (it != ranks.end() && it->second < best_rank) {
        best_rank = it->second;
        best = i;
      }
    }
    if (best_rank == INT32_MAX) return symbols;
    symbols[best] += symbols[best + 1];
    symbols.erase(symbols.begin() + static_cast<long>(best) + 1);
  }
}

TEST(TokenizerBpe, MergeOrderMatchesTheDefinitionOnRandomVocabularies) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    // A random BPE: start from 4 letters, merge random pairs of existing tokens.
    std::vector<std::string> tokens = {"a", "b", "c", "d"};
    Json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}};
    Json merges = Json::array();
    std::map<std::pair<std::string, std::string>, int> ranks;
    while (merges.size() < 40) {
      const std::string& left = tokens[rng() % tokens.size()];
      const std::string& right = tokens[rng() % tokens.size()];
      if (ranks.count({left, right}) || left.size() + right.size() > 8) continue;
      ranks[{left, right}] = static_cast<int>(merges.size());
      merges.push_back(left + " " + right);
      std::string merged = left + right;
      if (!vocab.contains(merged)) {
        vocab[merged] = static_cast<int>(tokens.size());
        tokens.push_back(merged);
      }
    }
    Tokenizer tokenizer = Tokenizer::from_json(tokenizer_json(bpe_model(vocab, merges)), "random");
    for (int sample = 0; sample < 50; ++sample) {
      std::string word;
      for (size_t n = 1 + rng() % 30; n > 0; --n) word.push_back("abcd"[rng() % 4]);
      std::vector<int32_t> expected;
      for (const std::string& piece : reference_bpe(word, ranks)) expected.push_back(vocab[piece]);
      ASSERT_EQ(tokenizer.encode(word), expected) << "word " << word << " trial " << trial;
      EXPECT_EQ(tokenizer.decode(expected).size(), word.size() + expected.size() - 1);  // joined by ' '
    }
  }
}

TEST(TokenizerBpe, PairFormMergesAndStringFormAgree) {
  Json vocab = {{"h", 0}, {"e", 1}, {"l", 2}, {"o", 3}, {"he", 4}, {"ll", 5}, {"hell", 6}, {"hello", 7}};
  Json string_form = {"h e", "l l", "he ll", "hell o"};
  Json pair_form = Json::array({Json::array({"h", "e"}), Json::array({"l", "l"}),
                                Json::array({"he", "ll"}), Json::array({"hell", "o"})});
  auto a = Tokenizer::from_json(tokenizer_json(bpe_model(vocab, string_form)), "a");
  auto b = Tokenizer::from_json(tokenizer_json(bpe_model(vocab, pair_form)), "b");
  EXPECT_EQ(a.encode("hello"), std::vector<int32_t>{7});
  EXPECT_EQ(b.encode("hello"), std::vector<int32_t>{7});
  EXPECT_EQ(a.encode("hellhe"), (std::vector<int32_t>{6, 4}));
  EXPECT_EQ(a.encode("oleh"), (std::vector<int32_t>{3, 2, 1, 0}));
}

// A SentencePiece-style model: '▁' for spaces, <0xXX> byte tokens, decoded with the usual chain.
Json sentencepiece_like(bool byte_fallback, bool fuse_unk) {
  Json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
  int next = 3;
  if (byte_fallback) {
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      vocab[name] = next++;
    }
  }
  for (const char* piece : {"\u2581", "a", "b", "\u2581a", "ab", "\u2581ab"}) vocab[piece] = next++;
  Json model = bpe_model(vocab, Json{"\u2581 a", "a b", "\u2581a b"});
  model["unk_token"] = "<unk>";
  model["byte_fallback"] = byte_fallback;
  model["fuse_unk"] = fuse_unk;
  Json j = tokenizer_json(model);
  j["normalizer"] = {{"type", "Sequence"},
                     {"normalizers", {{{"type", "Prepend"}, {"prepend", "\u2581"}},
                                      {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}};
  j["decoder"] = {{"type", "Sequence"},
                  {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                                {{"type", "ByteFallback"}}, {{"type", "Fuse"}},
                                {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  j["added_tokens"] = Json::array();
  for (int id = 0; id < 3; ++id) {
    j["added_tokens"].push_back({{"id", id}, {"content", id == 0 ? "<unk>" : id == 1 ? "<s>" : "</s>"},
                                 {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                                 {"normalized", false}, {"special", true}});
  }
  j["post_processor"] = {{"type", "TemplateProcessing"},
                         {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                     {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                         {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  return j;
}

TEST(TokenizerBpe, ByteFallbackSpellsUnknownCharactersAsBytes) {
  Tokenizer tokenizer = Tokenizer::from_json(sentencepiece_like(true, true), "sp");
  int32_t byte_base = 3;  // <0x00>
  int32_t space_a = *tokenizer.token_to_id("\u2581ab");
  // "é" is not in the vocabulary: its two UTF-8 bytes C3 A9 become byte tokens.
  EXPECT_EQ(tokenizer.encode("ab\xC3\xA9"),
            (std::vector<int32_t>{space_a, byte_base + 0xC3, byte_base + 0xA9}));
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("ab\xC3\xA9 a")), "ab\xC3\xA9 a");
  EXPECT_EQ(tokenizer.encode("ab", true), (std::vector<int32_t>{1, space_a}));
  // A byte sequence that is not UTF-8 decodes to U+FFFD rather than to invalid text.
  EXPECT_EQ(tokenizer.decode({byte_base + 0xC3, *tokenizer.token_to_id("a")}), "\xEF\xBF\xBD" "a");
}

TEST(TokenizerBpe, UnknownCharactersFuseIntoOneUnkWhenAsked) {
  Tokenizer fused = Tokenizer::from_json(sentencepiece_like(false, true), "fused");
  Tokenizer separate = Tokenizer::from_json(sentencepiece_like(false, false), "separate");
  int32_t space = *fused.token_to_id("\u2581");
  int32_t a = *fused.token_to_id("a");
  EXPECT_EQ(fused.encode("xyz"), (std::vector<int32_t>{space, 0}));
  EXPECT_EQ(separate.encode("xyz"), (std::vector<int32_t>{space, 0, 0, 0}));
  EXPECT_EQ(fused.encode("xay"), (std::vector<int32_t>{space, 0, a, 0}));
}

TEST(TokenizerBpe, IgnoreMergesTakesWholeWordsFromTheVocabulary) {
  // "abc" is a token, but the merges alone would give "ab" + "c".
  Json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"abc", 4}, {"bc", 5}};
  Json merges = {"a b", "b c"};
  Json model = bpe_model(vocab, merges);
  EXPECT_EQ(Tokenizer::from_json(tokenizer_json(model), "m").encode("abc"), (std::vector<int32_t>{3, 2}));
  model["ignore_merges"] = true;
  EXPECT_EQ(Tokenizer::from_json(tokenizer_json(model), "m").encode("abc"), std::vector<int32_t>{4});
}

Json with_added_tokens(Json added) {
  Json vocab = {{"a", 0}, {"b", 1}, {" ", 2}, {"<", 3}, {">", 4}, {"x", 5}};
  Json j = tokenizer_json(bpe_model(vocab, Json::array()));
  j["added_tokens"] = std::move(added);
  return j;
}

Json added(int id, const std::string& content, bool special, bool lstrip = false,
           bool rstrip = false, bool single_word = false) {
  return {{"id", id}, {"content", content}, {"special", special}, {"lstrip", lstrip},
          {"rstrip", rstrip}, {"single_word", single_word}, {"normalized", false}};
}

TEST(TokenizerBpe, AddedTokensMatchLongestFirstAnywhereInTheText) {
  Tokenizer t = Tokenizer::from_json(
      with_added_tokens({added(10, "<x>", true), added(11, "<x><x>", true), added(12, "ab", false)}), "t");
  EXPECT_EQ(t.encode("a<x><x>b<x>ab"), (std::vector<int32_t>{0, 11, 1, 10, 12}));
  EXPECT_EQ(t.vocab_size(), 13u);
  EXPECT_TRUE(t.is_special(10));
  EXPECT_FALSE(t.is_special(12));
  EXPECT_EQ(t.decode({0, 11, 1}), "a <x><x> b");  // no decoder: tokens joined by spaces
  EXPECT_EQ(t.decode({0, 11, 1}, true), "a b");
  EXPECT_EQ(t.token_to_id("<x><x>"), 11);
  EXPECT_EQ(t.id_to_token(12), "ab");
  EXPECT_EQ(t.id_to_token(99), "");
}

TEST(TokenizerBpe, AddedTokenStripAndSingleWordOptions) {
  Tokenizer t = Tokenizer::from_json(
      with_added_tokens({added(10, "<x>", true, /*lstrip=*/true), added(11, "<y>", true, false, /*rstrip=*/true),
                         added(12, "ab", false, false, false, /*single_word=*/true)}),
      "t");
  EXPECT_EQ(t.encode("a  <x> b"), (std::vector<int32_t>{0, 10, 2, 1}));  // spaces before <x> go
  EXPECT_EQ(t.encode("a <y>  b"), (std::vector<int32_t>{0, 2, 11, 1}));  // spaces after <y> go
  EXPECT_EQ(t.encode("ab"), std::vector<int32_t>{12});
  EXPECT_EQ(t.encode("x ab x"), (std::vector<int32_t>{5, 2, 12, 2, 5}));
  EXPECT_EQ(t.encode("xab"), (std::vector<int32_t>{5, 0, 1}));  // inside a word: not the token
}

TEST(TokenizerBpe, NormalizedAddedTokensAreFoundAfterNormalization) {
  Json j = with_added_tokens({added(10, "<x>", true), {{"id", 11}, {"content", "AB"}, {"special", false},
                                                       {"normalized", true}}});
  j["normalizer"] = {{"type", "Lowercase"}};
  Tokenizer t = Tokenizer::from_json(j, "t");
  // The token's content is normalized too ("ab"), so any casing of it in the input matches.
  EXPECT_EQ(t.encode("xAbx"), (std::vector<int32_t>{5, 11, 5}));
  EXPECT_EQ(t.encode("<X>ab<x>"), (std::vector<int32_t>{3, 5, 4, 11, 10}));  // <x> is not normalized
}

TEST(TokenizerBpe, BertStylePostProcessorWrapsWithClsAndSep) {
  Json j = with_added_tokens({added(10, "[CLS]", true), added(11, "[SEP]", true)});
  j["post_processor"] = {{"type", "RobertaProcessing"}, {"cls", Json::array({"[CLS]", 10})},
                         {"sep", Json::array({"[SEP]", 11})}};
  EXPECT_EQ(Tokenizer::from_json(j, "t").encode("ab", true), (std::vector<int32_t>{10, 0, 1, 11}));
}

TEST(TokenizerBpe, TemplatePostProcessorAndConfigSpecialTokens) {
  Json j = sentencepiece_like(true, true);
  j["post_processor"]["single"].push_back({{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}});
  j["post_processor"]["special_tokens"]["</s>"] = {{"id", "</s>"}, {"ids", {2}}, {"tokens", {"</s>"}}};
  Tokenizer t = Tokenizer::from_json(j, "sp");
  int32_t a = *t.token_to_id("\u2581a");
  EXPECT_EQ(t.encode("a", true), (std::vector<int32_t>{1, a, 2}));
  EXPECT_EQ(t.bos_id(), 1);  // from the post-processor when there is no config
  EXPECT_FALSE(t.eos_id().has_value());

  Json config = {{"bos_token", {{"content", "<s>"}, {"special", true}}}, {"eos_token", "</s>"},
                 {"pad_token", nullptr}};
  Tokenizer configured = Tokenizer::from_json(j, "sp", config, "tokenizer_config.json");
  EXPECT_EQ(configured.bos_token(), "<s>");
  EXPECT_EQ(configured.eos_id(), 2);
  EXPECT_EQ(configured.eos_token(), "</s>");
  EXPECT_FALSE(configured.pad_id().has_value());
  EXPECT_EQ(configured.decode({1, a, 2}), "<s> a</s>");
  EXPECT_EQ(configured.decode({1, a, 2}, true), "a");
}

TEST(TokenizerBpe, LlamaAndGemmaClassesTakeBosAndEosFlagsFromTheConfig) {
  Json j = sentencepiece_like(true, true);  // its post-processor adds <s> only
  Json config = {{"tokenizer_class", "LlamaTokenizer"}, {"bos_token", "<s>"}, {"eos_token", "</s>"},
                 {"add_bos_token", true}, {"add_eos_token", true}};
  int32_t a = *Tokenizer::from_json(j, "sp").token_to_id("\u2581a");
  EXPECT_EQ(Tokenizer::from_json(j, "sp", config, "c").encode("a", true), (std::vector<int32_t>{1, a, 2}));
  config["add_bos_token"] = false;
  EXPECT_EQ(Tokenizer::from_json(j, "sp", config, "c").encode("a", true), (std::vector<int32_t>{a, 2}));
  // transformers' generic fast tokenizer keeps tokenizer.json's post-processor.
  config["tokenizer_class"] = "PreTrainedTokenizerFast";
  EXPECT_EQ(Tokenizer::from_json(j, "sp", config, "c").encode("a", true), (std::vector<int32_t>{1, a}));
}

TEST(TokenizerBpe, LoadReadsDirectoryWithConfigOrASingleFile) {
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", sentencepiece_like(true, true).dump());
  write_file_atomic(dir / "tokenizer_config.json", R"({"eos_token": "</s>", "bos_token": "<s>"})");
  Tokenizer from_dir = Tokenizer::load(dir.path());
  EXPECT_EQ(from_dir.eos_id(), 2);
  Tokenizer from_file = Tokenizer::load(dir / "tokenizer.json");
  EXPECT_FALSE(from_file.eos_id().has_value());
  EXPECT_EQ(from_dir.encode("ab"), from_file.encode("ab"));
}

// The Error message of loading `j` (written to a file) or "" when it loads.
std::string load_error(const std::string& content) {
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", content);
  try {
    Tokenizer::load(dir.path());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TokenizerBpe, MalformedFilesGiveErrorsNamingFileAndField) {
  Json good = sentencepiece_like(true, true);
  EXPECT_EQ(load_error(good.dump()), "");

  std::string bad_json = load_error("{\"model\": ");
  EXPECT_NE(bad_json.find("tokenizer.json"), std::string::npos) << bad_json;
  EXPECT_NE(bad_json.find("invalid JSON"), std::string::npos) << bad_json;

  Json no_vocab = good;
  no_vocab["model"].erase("vocab");
  EXPECT_NE(load_error(no_vocab.dump()).find("missing field 'model.vocab'"), std::string::npos);

  Json unknown_merge = good;
  unknown_merge["model"]["merges"].push_back("a zz");
  std::string merge_error = load_error(unknown_merge.dump());
  EXPECT_NE(merge_error.find("model.merges[3] refers to token 'zz'"), std::string::npos) << merge_error;

  Json foo = good;
  foo["pre_tokenizer"] = {{"type", "Sequence"},
                          {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}},
                                             {{"type", "Foo"}}}}};
  std::string foo_error = load_error(foo.dump());
  EXPECT_NE(foo_error.find("tokenizer.json: pre_tokenizer.pretokenizers[1].type 'Foo' is not supported"),
            std::string::npos) << foo_error;

  Json wordpiece = good;
  wordpiece["model"]["type"] = "WordPiece";
  EXPECT_NE(load_error(wordpiece.dump()).find("model.type 'WordPiece' is not supported"), std::string::npos);

  Json bad_decoder = good;
  bad_decoder["decoder"] = {{"type", "CTC"}};
  EXPECT_NE(load_error(bad_decoder.dump()).find("decoder.type 'CTC' is not supported"), std::string::npos);

  Json bad_regex = good;
  bad_regex["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}},
                                {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_NE(load_error(bad_regex.dump()).find("pre_tokenizer.pattern.Regex: invalid regex"), std::string::npos);

  // Bad vocab and merge entries, both through load() (streamed reader) and from_json() (DOM).
  Json bad_id = good;
  bad_id["model"]["vocab"]["zz"] = "seven";
  Json bad_pair = good;
  bad_pair["model"]["merges"] = Json::array({Json::array({"a", "b", "c"})});
  Json bad_line = good;
  bad_line["model"]["merges"] = Json::array({"a b c"});
  for (const auto& [j, message] : std::vector<std::pair<Json, std::string>>{
           {bad_id, "model.vocab entry 'zz' must map to a non-negative integer id"},
           {bad_pair, "model.merges[0] must be \"left right\" or [\"left\", \"right\"]"},
           {bad_line, "model.merges[0] must be two tokens separated by one space, got 'a b c'"}}) {
    EXPECT_NE(load_error(j.dump()).find(message), std::string::npos) << load_error(j.dump());
    try {
      Tokenizer::from_json(j, "dom.json");
      ADD_FAILURE() << "no error for " << message;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("dom.json: " + message), std::string::npos) << e.what();
    }
  }

  EXPECT_THROW(Tokenizer::load("/nonexistent/tokenizer/dir"), Error);
  test::TempDir empty;
  EXPECT_THROW(Tokenizer::load(empty.path()), Error);
}

}  // namespace
}  // namespace regenesis
