// `regenesis tokenize`, run as a user would.
#include <gtest/gtest.h>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {
namespace {

using test::run_regenesis;

// A small SentencePiece-style tokenizer: letters, '▁', a few merges, <s> added by the
// post-processor and byte fallback for everything else.
void write_small_tokenizer(const std::filesystem::path& dir) {
  Json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
  int next = 3;
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    vocab[name] = next++;
  }
  for (const char* piece : {"\u2581", "h", "i", "\u2581h", "\u2581hi"}) vocab[piece] = next++;
  Json special = Json::array();
  for (int id = 0; id < 3; ++id) {
    special.push_back({{"id", id}, {"content", id == 0 ? "<unk>" : id == 1 ? "<s>" : "</s>"},
                       {"special", true}, {"normalized", false}});
  }
  Json tokenizer = {
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"\u2581 h", "\u2581h i"}},
                 {"unk_token", "<unk>"}, {"byte_fallback", true}, {"fuse_unk", true}}},
      {"added_tokens", special},
      {"normalizer", {{"type", "Sequence"},
                      {"normalizers", {{{"type", "Prepend"}, {"prepend", "\u2581"}},
                                       {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}}},
      {"post_processor", {{"type", "TemplateProcessing"},
                          {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                      {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                          {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
      {"decoder", {{"type", "Sequence"},
                   {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                                 {{"type", "ByteFallback"}}, {{"type", "Fuse"}},
                                 {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}}};
  write_file_atomic(dir / "tokenizer.json", tokenizer.dump());
  write_file_atomic(dir / "tokenizer_config.json", R"({"bos_token": "<s>", "eos_token": "</s>"})");
}

TEST(TokenizeCli, EncodesToIdsAndPieces) {
  test::TempDir dir;
  write_small_tokenizer(dir.path());
  auto result = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--text", "hi\n",
                               "--add-special-tokens"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // <s>, "▁hi", then '\n' through byte fallback (<0x0A> is id 3 + 10).
  EXPECT_EQ(result.out, "1 263 13\n1\t<s>\t(special)\n263\t\u2581hi\n13\t<0x0A>\n");

  auto json = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--text", "hi", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json parsed = Json::parse(json.out);
  EXPECT_EQ(parsed["ids"], Json::array({263}));
  EXPECT_EQ(parsed["tokens"], Json::array({"\u2581hi"}));
}

TEST(TokenizeCli, DecodesIdsFromTextOrFile) {
  test::TempDir dir;
  write_small_tokenizer(dir.path());
  auto result = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--decode",
                               "--text", "1, 263 262 13"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "<s> hi h\n\n");  // the text, then a newline
  write_file_atomic(dir / "ids.txt", "[1, 263]\n");
  auto from_file = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--decode",
                                  "--file", (dir / "ids.txt").string(), "--json", "--skip-special-tokens"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(Json::parse(from_file.out), Json({{"text", "hi"}}));
}

TEST(TokenizeCli, UserErrorsExitWithOneAndAMessage) {
  test::TempDir dir;
  write_small_tokenizer(dir.path());
  auto bad_id = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--decode", "--text", "1 x"});
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_NE(bad_id.err.find("'x' is not a token id"), std::string::npos) << bad_id.err;
  auto out_of_range = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--decode", "--text", "99999"});
  EXPECT_EQ(out_of_range.exit_code, 1);
  EXPECT_NE(out_of_range.err.find("out of range"), std::string::npos) << out_of_range.err;
  auto no_input = run_regenesis({"tokenize", "--tokenizer", dir.path().string()});
  EXPECT_EQ(no_input.exit_code, 1);
  EXPECT_NE(no_input.err.find("exactly one of --text"), std::string::npos) << no_input.err;
  write_file_atomic(dir / "tokenizer.json", "{not json");
  auto bad_file = run_regenesis({"tokenize", "--tokenizer", dir.path().string(), "--text", "hi"});
  EXPECT_EQ(bad_file.exit_code, 1);
  EXPECT_NE(bad_file.err.find("tokenizer.json: invalid JSON"), std::string::npos) << bad_file.err;
}

TEST(TokenizeCli, RealTokenizerFromShared) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/llama3.1");
  auto result = run_regenesis({"tokenize", "--tokenizer", dir.string(), "--text", "Hello world",
                               "--add-special-tokens", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["ids"], Json::array({128000, 9906, 1917}));
}

}  // namespace
}  // namespace regenesis
