#pragma once
// The parts of tokenizer_config.json (transformers' tokenizer settings) that encoding and
// decoding need: the names of the bos/eos/pad/unk tokens, add_bos_token/add_eos_token and
// clean_up_tokenization_spaces.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace regenesis::tok {

struct TokenizerConfig {
  std::optional<std::string> bos_token;
  std::optional<std::string> eos_token;
  std::optional<std::string> pad_token;
  std::optional<std::string> unk_token;
  bool clean_up_tokenization_spaces = false;
  std::string tokenizer_class;
  std::optional<bool> add_bos_token;
  std::optional<bool> add_eos_token;
};

// transformers' Llama and Gemma tokenizer classes rebuild the post-processor from add_bos_token
// (default true) and add_eos_token (default false) when they load; other classes keep the
// post_processor of tokenizer.json.
bool config_sets_bos_eos(const TokenizerConfig& config);

// Token fields may be a string, null, or an AddedToken object {"content": ...}. Errors name
// `source` and the field.
TokenizerConfig parse_tokenizer_config(const nlohmann::json& config, const std::string& source);

}  // namespace regenesis::tok
