#pragma once
// Hugging Face tokenizer.json tokenizers: byte-level BPE (Llama 3, Qwen2/3, SmolLM2) and
// SentencePiece-style BPE with byte fallback (Llama 2, Mistral, Gemma), with added/special tokens,
// normalizers, pre-tokenizers, post-processors and decoders as HF `tokenizers` defines them.
// Ids match HF tokenizers (checked against the Rust library itself, transformers.js, llama.cpp's
// vectors from Python HF tokenizers, and mistral-common).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis {

class Tokenizer {
 public:
  // dir: reads dir/tokenizer.json and, when present, dir/tokenizer_config.json (bos/eos/pad
  // tokens, clean_up_tokenization_spaces, and for transformers' Llama/Gemma tokenizer classes
  // add_bos_token/add_eos_token); a path to a .json file: just that tokenizer.json.
  // Problems (missing file, bad JSON, unsupported component) are Errors naming file and field.
  // Gemma 3's 33 MB tokenizer.json loads in about 0.4 s of CPU.
  static Tokenizer load(const std::filesystem::path& dir_or_file);
  static Tokenizer from_json(const nlohmann::json& tokenizer_json, const std::string& source_name);
  // The same with a tokenizer_config.json already parsed.
  static Tokenizer from_json(const nlohmann::json& tokenizer_json, const std::string& source_name,
                             const nlohmann::json& tokenizer_config,
                             const std::string& config_source_name);

  // Added/special tokens written in the text are matched as tokens (as HF does).
  // add_special_tokens: what the post_processor adds (e.g. BOS). Invalid UTF-8 in `text` is
  // read as U+FFFD.
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = false) const;
  // Unknown ids are skipped (as HF does); invalid UTF-8 becomes U+FFFD.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const;

  size_t vocab_size() const;  // model vocab + added tokens (max id + 1)
  std::optional<int32_t> token_to_id(std::string_view token) const;
  std::string id_to_token(int32_t id) const;  // "" for an unknown id
  bool is_special(int32_t id) const;          // an added token marked "special"
  std::vector<int32_t> special_ids() const;   // all of them, ascending
  std::optional<int32_t> bos_id() const;      // from tokenizer_config.json (or post-processor)
  std::optional<int32_t> eos_id() const;
  std::optional<int32_t> pad_id() const;
  std::string bos_token() const;  // "" when none
  std::string eos_token() const;
  std::string pad_token() const;
  const std::string& source_name() const;

  struct Impl;  // internal: text/tokenizer_impl.h

 private:
  friend class IncrementalDecoder;
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;  // immutable and shared: copies are cheap
};

// Streaming detokenizer for generation. push() returns only newly completed text, never half a
// UTF-8 character. The concatenation of all push() results and finish() equals decode(all ids);
// push() alone holds back only an incomplete trailing character and, when the tokenizer applies
// clean_up_tokenization_spaces, a trailing " ", " '", " n", " n'", " 'v" or " 'r" that the next
// token could still change.
class IncrementalDecoder {
 public:
  explicit IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special_tokens = false);
  IncrementalDecoder(const IncrementalDecoder& other);
  IncrementalDecoder& operator=(const IncrementalDecoder& other);
  IncrementalDecoder(IncrementalDecoder&&) noexcept;
  IncrementalDecoder& operator=(IncrementalDecoder&&) noexcept;
  ~IncrementalDecoder();

  std::string push(int32_t id);
  std::string finish();       // the held-back rest; push() after it is a logic_error
  std::string text() const;   // everything emitted so far

 private:
  struct State;
  Tokenizer tokenizer_;
  bool skip_special_tokens_;
  std::unique_ptr<State> state_;
};

}  // namespace regenesis
