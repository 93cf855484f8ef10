#pragma once
// Internal: the parsed parts of a tokenizer, shared by tokenizer.cpp (encode/decode),
// tokenizer_load.cpp (building it) and tokenizer_incremental.cpp.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/bpe_model.h"
#include "text/decoder_chain.h"
#include "text/normalizer.h"
#include "text/pre_tokenizer.h"
#include "text/tokenizer.h"
#include "text/tokenizer_added_tokens.h"
#include "text/tokenizer_post_processor.h"

namespace regenesis {

struct Tokenizer::Impl {
  std::string source;
  std::unique_ptr<tok::BpeModel> model;
  std::unique_ptr<tok::Normalizer> normalizer;
  std::unique_ptr<tok::PreTokenizer> pre_tokenizer;
  tok::SpecialTokenWrap special_wrap;
  tok::DecoderChain decoder;

  std::vector<tok::AddedToken> added;
  // Added tokens with normalized=true, their content normalized (they are matched after the
  // normalizer has run).
  std::vector<tok::AddedToken> added_normalized;
  tok::AddedTokenMatcher raw_matcher;         // points into `added`
  tok::AddedTokenMatcher normalized_matcher;  // points into `added_normalized`
  std::unordered_map<int32_t, size_t> added_by_id;
  tok::StringMap<int32_t> added_by_content;

  size_t vocab_size = 0;
  std::optional<int32_t> bos_id, eos_id, pad_id;
  std::string bos_token, eos_token, pad_token;

  // The token text for decoding; nullptr for an unknown id. `is_added` tells ByteLevel to keep
  // it as written.
  const std::string* token_text(int32_t id, bool& is_added) const;
  bool is_special(int32_t id) const;
};

}  // namespace regenesis
