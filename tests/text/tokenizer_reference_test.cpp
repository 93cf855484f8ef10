// Real tokenizers from ../shared/tokenizers against reference ids produced by other
// implementations: transformers.js (generated/*.transformersjs.json), Python HF tokenizers
// (llama.cpp's ggml-vocab-*.gguf.out) and mistral-common (tokens_v1.json).
#include <gtest/gtest.h>

#include <thread>

#include "test_support.h"
#include "text/decoder_chain.h"
#include "text/tokenizer.h"
#include "tokenizer_test_util.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {
namespace {

namespace fs = std::filesystem;
using test::cached_tokenizer;
using test::json_ids;

// Where transformers.js itself departs from HF tokenizers (Rust), we follow HF tokenizers; these
// strings are checked against the Rust library's ids in HfTokenizersRust below instead.
// SmolLM2's Digits pre-tokenizer isolates every Unicode numeric character (Rust
// char::is_numeric, so '½' too); transformers.js uses JavaScript's \d, which is ASCII-only.
bool transformersjs_diverges(const fs::path& vectors, const std::string& text) {
  return vectors.filename() == "smollm2.transformersjs.json" && text == "ied 4 \u00bd months";
}

// Checks every case of a transformers.js vector file: ids with and without special tokens, and
// decode(ids). Returns the number of cases checked.
size_t check_transformersjs_vectors(const Tokenizer& tokenizer, const fs::path& vectors) {
  Json reference = read_json_file(vectors);
  size_t checked = 0;
  for (const Json& c : reference.at("cases")) {
    std::string text = c.at("text").get<std::string>();
    if (transformersjs_diverges(vectors, text)) {
      EXPECT_NE(tokenizer.encode(text), json_ids(c.at("ids"))) << "no longer diverges: " << text;
      ++checked;
      continue;
    }
    EXPECT_EQ(tokenizer.encode(text), json_ids(c.at("ids"))) << "text: " << text;
    EXPECT_EQ(tokenizer.encode(text, true), json_ids(c.at("ids_add_special_tokens")))
        << "text: " << text;
    EXPECT_EQ(tokenizer.decode(json_ids(c.at("ids"))), c.at("decoded").get<std::string>())
        << "text: " << text;
    ++checked;
  }
  if (reference.contains("chat") && reference["chat"].contains("rendered")) {
    const Json& chat = reference["chat"];
    EXPECT_EQ(tokenizer.encode(chat.at("rendered").get<std::string>()),
              json_ids(chat.at("rendered_ids")));
    ++checked;
  }
  return checked;
}

#define TRANSFORMERSJS_TEST(Name, family)                                                     \
  TEST(TokenizerTransformersJs, Name) {                                                       \
    REGENESIS_REQUIRE_SHARED(dir, "tokenizers/" family);                                      \
    REGENESIS_REQUIRE_SHARED(vectors,                                                         \
                             "tokenizers/reference-vectors/generated/" family                 \
                             ".transformersjs.json");                                         \
    EXPECT_EQ(check_transformersjs_vectors(cached_tokenizer(dir), vectors), 56u);             \
  }

TRANSFORMERSJS_TEST(Llama3, "llama3")
TRANSFORMERSJS_TEST(Llama31, "llama3.1")
TRANSFORMERSJS_TEST(Qwen3, "qwen3")
TRANSFORMERSJS_TEST(Gemma3, "gemma3")
TRANSFORMERSJS_TEST(Smollm2, "smollm2")

TEST(TokenizerTransformersJs, MistralV01) {
  // No chat template for this family, so 55 cases and no chat case.
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/mistral-v0.1");
  REGENESIS_REQUIRE_SHARED(vectors,
                           "tokenizers/reference-vectors/generated/mistral-v0.1.transformersjs.json");
  EXPECT_EQ(check_transformersjs_vectors(cached_tokenizer(dir), vectors), 55u);
}

TEST(TokenizerTransformersJs, Stories260K) {
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K");
  REGENESIS_REQUIRE_SHARED(vectors, "models/stories260K/tokenizer_reference_vectors.json");
  EXPECT_EQ(check_transformersjs_vectors(cached_tokenizer(dir), vectors), 55u);
}

// llama.cpp's test files: strings separated by "\n__ggml_vocab_test__\n" in .inp, one line of
// space-separated ids per string in .out (from Python HF tokenizers, no special tokens).
void check_llama_cpp_vectors(const Tokenizer& tokenizer, const fs::path& base) {
  std::string input = read_file(base.string() + ".inp");
  std::vector<std::string> texts;
  const std::string separator = "\n__ggml_vocab_test__\n";
  for (size_t pos = 0; pos < input.size();) {
    size_t next = input.find(separator, pos);
    ASSERT_NE(next, std::string::npos) << "unterminated case in " << base;
    texts.push_back(input.substr(pos, next - pos));
    pos = next + separator.size();
  }
  std::vector<std::string> lines = split(read_file(base.string() + ".out"), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_EQ(texts.size(), lines.size());
  ASSERT_EQ(texts.size(), 46u);
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<int32_t> expected;
    for (const std::string& field : split(trim(lines[i]), ' ')) {
      if (!field.empty()) expected.push_back(std::stoi(field));
    }
    EXPECT_EQ(tokenizer.encode(texts[i]), expected) << "case " << i << ": " << texts[i];
  }
}

TEST(TokenizerLlamaCpp, Llama3MatchesLlamaBpe) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/llama3");
  REGENESIS_REQUIRE_SHARED(vectors, "tokenizers/reference-vectors/llama.cpp/ggml-vocab-llama-bpe.gguf.inp");
  check_llama_cpp_vectors(cached_tokenizer(dir), fs::path(vectors).replace_extension(""));
}

TEST(TokenizerLlamaCpp, Llama31MatchesLlamaBpe) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/llama3.1");
  REGENESIS_REQUIRE_SHARED(vectors, "tokenizers/reference-vectors/llama.cpp/ggml-vocab-llama-bpe.gguf.inp");
  check_llama_cpp_vectors(cached_tokenizer(dir), fs::path(vectors).replace_extension(""));
}

TEST(TokenizerLlamaCpp, Qwen3MatchesQwen2) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/qwen3");
  REGENESIS_REQUIRE_SHARED(vectors, "tokenizers/reference-vectors/llama.cpp/ggml-vocab-qwen2.gguf.inp");
  check_llama_cpp_vectors(cached_tokenizer(dir), fs::path(vectors).replace_extension(""));
}

// mistral-common renders a chat as SentencePiece pieces (text_v1.txt, '▁' for spaces) with the
// ids it expects (tokens_v1.json). The HF input for the same conversation is that text with
// spaces restored, minus the space after each <s>/</s> that the legacy Prepend('▁') normalizer
// puts back at the start of every text segment.
TEST(TokenizerMistralCommon, MistralV01MatchesTokensV1) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/mistral-v0.1");
  REGENESIS_REQUIRE_SHARED(sample, "tokenizers/reference-vectors/mistral-common/no_tools");
  const Tokenizer& tokenizer = cached_tokenizer(dir);
  std::string pieces_text = read_file(sample / "text_v1.txt");
  std::vector<int32_t> expected = json_ids(read_json_file(sample / "tokens_v1.json").at("tokens"));
  ASSERT_GT(expected.size(), 50u);

  std::string joined;
  for (int32_t id : expected) joined += tokenizer.id_to_token(id);
  EXPECT_EQ(joined, pieces_text);  // the vocabulary agrees piece for piece

  std::string text = replace_all(pieces_text, "\u2581", " ");
  text = replace_all(replace_all(text, "<s> ", "<s>"), "</s> ", "</s>");
  EXPECT_EQ(tokenizer.encode(text), expected) << text;
}

// tests/text/data/tokenizer_hf_rust_vectors.json: ids (and decodes) from the HF tokenizers Rust
// library for the strings of tokenizer_extra_strings.json (scripts, emoji, combining marks,
// whitespace runs, code, special tokens in odd places, long repeats, and random mixtures of such
// pieces), regenerated by the .js beside it.
TEST(TokenizerHfRust, ExtraStringsMatchHfTokenizers) {
  REGENESIS_REQUIRE_SHARED(shared, "tokenizers");
  const fs::path data = test::source_dir() / "tests/text/data";
  Json strings = read_json_file(data / "tokenizer_extra_strings.json");
  Json vectors = read_json_file(data / "tokenizer_hf_rust_vectors.json");
  ASSERT_EQ(vectors.at("families").size(), 7u);
  for (const auto& [family, expected] : vectors.at("families").items()) {
    fs::path dir = *test::shared_dir() / expected.at("dir").get<std::string>();
    if (!fs::exists(dir)) continue;
    const Tokenizer& tokenizer = cached_tokenizer(dir);
    std::vector<int32_t> prefix = json_ids(expected.at("special_prefix"));
    ASSERT_EQ(expected.at("ids").size(), strings.size());
    for (size_t i = 0; i < strings.size(); ++i) {
      std::string text = strings[i].get<std::string>();
      std::vector<int32_t> ids = json_ids(expected.at("ids")[i]);
      EXPECT_EQ(tokenizer.encode(text), ids) << family << ": " << text;
      std::vector<int32_t> with_special = prefix;
      with_special.insert(with_special.end(), ids.begin(), ids.end());
      EXPECT_EQ(tokenizer.encode(text, true), with_special) << family << ": " << text;
      // HF tokenizers has no clean_up_tokenization_spaces; transformers applies it after decoding
      // when tokenizer_config.json asks for it (Llama 3 does).
      const Json& decoded_json = expected.at("decoded")[i];
      std::string decoded = decoded_json.is_null() ? text : decoded_json.get<std::string>();
      if (family == "llama3" || family == "llama3.1") decoded = tok::clean_up_tokenization_spaces(decoded);
      EXPECT_EQ(tokenizer.decode(ids), decoded) << family << ": " << text;
    }
  }
}

TEST(TokenizerSharedFamilies, SpecialTokensFromConfig) {
  REGENESIS_REQUIRE_SHARED(root, "tokenizers");
  const Tokenizer& llama31 = cached_tokenizer(root / "llama3.1");
  EXPECT_EQ(llama31.bos_id(), 128000);
  EXPECT_EQ(llama31.eos_token(), "<|eot_id|>");
  EXPECT_EQ(llama31.eos_id(), 128009);
  EXPECT_EQ(llama31.vocab_size(), 128256u);
  EXPECT_TRUE(llama31.is_special(128009));
  EXPECT_FALSE(llama31.is_special(1000));

  const Tokenizer& qwen3 = cached_tokenizer(root / "qwen3");
  EXPECT_FALSE(qwen3.bos_id().has_value());  // bos_token is null in its config
  EXPECT_EQ(qwen3.bos_token(), "");
  EXPECT_EQ(qwen3.eos_id(), 151645);
  EXPECT_EQ(qwen3.pad_id(), 151643);
  EXPECT_EQ(qwen3.vocab_size(), 151669u);
  EXPECT_EQ(qwen3.token_to_id("<think>"), 151667);
  EXPECT_FALSE(qwen3.is_special(151667));  // an added token, but not a special one

  const Tokenizer& gemma3 = cached_tokenizer(root / "gemma3");
  EXPECT_EQ(gemma3.bos_id(), 2);
  EXPECT_EQ(gemma3.eos_token(), "<end_of_turn>");
  EXPECT_EQ(gemma3.pad_id(), 0);
  EXPECT_EQ(gemma3.vocab_size(), 262145u);  // 262144 model tokens + <image_soft_token>

  const Tokenizer& mistral = cached_tokenizer(root / "mistral-v0.1");
  EXPECT_EQ(mistral.bos_id(), 1);
  EXPECT_EQ(mistral.eos_id(), 2);
  EXPECT_FALSE(mistral.pad_id().has_value());
}

TEST(TokenizerSharedFamilies, StreamedFileReaderAndJsonDomBuildTheSameTokenizer) {
  // load() reads vocab and merges without a DOM; from_json() walks the DOM.
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/smollm2");
  Tokenizer from_dom = Tokenizer::from_json(read_json_file(dir / "tokenizer.json"), "smollm2",
                                            read_json_file(dir / "tokenizer_config.json"), "config");
  const Tokenizer& loaded = cached_tokenizer(dir);
  EXPECT_EQ(from_dom.vocab_size(), loaded.vocab_size());
  for (const auto& s : read_json_file(test::source_dir() / "tests/text/data/tokenizer_extra_strings.json")) {
    std::vector<int32_t> ids = loaded.encode(s.get<std::string>());
    EXPECT_EQ(from_dom.encode(s.get<std::string>()), ids);
    EXPECT_EQ(from_dom.decode(ids), loaded.decode(ids));
  }
}

TEST(TokenizerSharedFamilies, ConcurrentEncodingMatchesSerialEncoding) {
  // One Tokenizer shared by threads (its word cache and regex scratch are the shared state).
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/qwen3");
  Tokenizer tokenizer = Tokenizer::load(dir);  // a fresh one: an empty word cache
  Json strings = read_json_file(test::source_dir() / "tests/text/data/tokenizer_extra_strings.json");
  std::vector<std::vector<int32_t>> serial;
  std::vector<std::vector<std::vector<int32_t>>> parallel(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < parallel.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t round = 0; round < 3; ++round) {
        parallel[t].clear();
        for (const auto& s : strings) parallel[t].push_back(tokenizer.encode(s.get<std::string>()));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& s : strings) serial.push_back(cached_tokenizer(dir).encode(s.get<std::string>()));
  for (const auto& result : parallel) EXPECT_EQ(result, serial);
}

}  // namespace
}  // namespace regenesis
