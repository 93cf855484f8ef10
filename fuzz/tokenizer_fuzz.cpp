// Fuzzes tokenizer.json loading and encode/decode (text/tokenizer.h). The input is
//   tokenizer.json \0 tokenizer_config.json \0 text
// (an empty tokenizer_config part means none). A tokenizer that loads must give ids inside its
// vocabulary, decode them without failing, and stream-decode (IncrementalDecoder) to exactly
// what decode() gives, as the header promises.
#include <cstring>

#include "fuzz_support.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/json.h"

using namespace regenesis;

namespace {

void check_ids(const Tokenizer& tokenizer, const std::vector<int32_t>& ids) {
  for (int32_t id : ids)
    fuzz::require(id >= 0 && static_cast<size_t>(id) < tokenizer.vocab_size(),
                  "encode gave id " + std::to_string(id) + " outside the vocabulary of " +
                      std::to_string(tokenizer.vocab_size()));
  for (bool skip_special : {false, true}) {
    const std::string whole = tokenizer.decode(ids, skip_special);
    IncrementalDecoder stream(tokenizer, skip_special);
    std::string pieces;
    for (int32_t id : ids) pieces += stream.push(id);
    pieces += stream.finish();
    fuzz::require(pieces == whole, "IncrementalDecoder output differs from decode()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view nul("\0", 1);
  auto [tokenizer_json, tail] = fuzz::split_once(fuzz::as_text(data, size), nul);
  auto [config_json, text] = fuzz::split_once(tail, nul);
  try {
    Json json = parse_json(std::string(tokenizer_json), "tokenizer.json");
    Tokenizer tokenizer = config_json.empty()
                              ? Tokenizer::from_json(json, "tokenizer.json")
                              : Tokenizer::from_json(json, "tokenizer.json",
                                                     parse_json(std::string(config_json), "tokenizer_config.json"),
                                                     "tokenizer_config.json");
    for (bool add_special : {false, true}) check_ids(tokenizer, tokenizer.encode(text, add_special));
    // Arbitrary ids, known or not: decode skips unknown ones.
    std::vector<int32_t> ids;
    for (size_t i = 0; i + 4 <= text.size() && ids.size() < 64; i += 4) {
      uint32_t v;
      std::memcpy(&v, text.data() + i, 4);
      ids.push_back(static_cast<int32_t>(v % (tokenizer.vocab_size() + 8)) - 4);
    }
    for (bool skip_special : {false, true}) (void)tokenizer.decode(ids, skip_special);
    for (int32_t id : ids) {
      std::string token = tokenizer.id_to_token(id);
      if (!token.empty()) (void)tokenizer.token_to_id(token);
    }
  } catch (const Error&) {
  }
  return 0;
}
