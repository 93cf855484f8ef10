#include "text/tokenizer.h"

#include <algorithm>

#include "text/tokenizer_impl.h"
#include "text/unicode_utf8.h"

namespace regenesis {

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

const std::string* Tokenizer::Impl::token_text(int32_t id, bool& is_added) const {
  if (auto it = added_by_id.find(id); it != added_by_id.end()) {
    is_added = true;
    return &added[it->second].content;
  }
  is_added = false;
  return model->id_to_token(id);
}

bool Tokenizer::Impl::is_special(int32_t id) const {
  auto it = added_by_id.find(id);
  return it != added_by_id.end() && added[it->second].special;
}

namespace {

// Normalized text with no added tokens left in it: pre-tokenize, then run the model per word.
void encode_words(const Tokenizer::Impl& impl, std::string text, bool at_input_start,
                  std::vector<int32_t>& ids) {
  if (text.empty()) return;
  std::vector<tok::PreToken> words{{std::move(text), at_input_start}};
  if (impl.pre_tokenizer) impl.pre_tokenizer->split(words);
  for (const tok::PreToken& word : words) impl.model->tokenize(word.text, ids);
}

// Input text between two raw-matched added tokens: normalize, find normalized added tokens.
void encode_plain(const Tokenizer::Impl& impl, std::string_view raw, bool at_input_start,
                  std::vector<int32_t>& ids) {
  std::string text(raw);
  if (impl.normalizer) impl.normalizer->normalize(text);
  if (impl.normalized_matcher.empty()) {
    encode_words(impl, std::move(text), at_input_start, ids);
    return;
  }
  std::vector<tok::TextSegment> segments;
  impl.normalized_matcher.split(text, segments);
  for (const tok::TextSegment& s : segments) {
    if (s.token >= 0) {
      ids.push_back(impl.added_normalized[s.token].id);
    } else {
      encode_words(impl, text.substr(s.begin, s.end - s.begin), at_input_start && s.begin == 0, ids);
    }
  }
}

}  // namespace

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  const Impl& impl = *impl_;
  std::string input = unicode::to_valid_utf8(text);
  std::vector<int32_t> ids;
  if (add_special_tokens) ids = impl.special_wrap.prefix;
  std::vector<tok::TextSegment> segments;
  impl.raw_matcher.split(input, segments);
  for (const tok::TextSegment& s : segments) {
    if (s.token >= 0) {
      ids.push_back(impl.added[s.token].id);
    } else {
      encode_plain(impl, std::string_view(input).substr(s.begin, s.end - s.begin), s.begin == 0, ids);
    }
  }
  if (add_special_tokens) {
    ids.insert(ids.end(), impl.special_wrap.suffix.begin(), impl.special_wrap.suffix.end());
  }
  return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  IncrementalDecoder decoder(*this, skip_special_tokens);
  std::string out;
  for (int32_t id : ids) out += decoder.push(id);
  out += decoder.finish();
  return out;
}

size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (auto it = impl_->added_by_content.find(token); it != impl_->added_by_content.end()) {
    return it->second;
  }
  return impl_->model->token_to_id(token);
}

std::string Tokenizer::id_to_token(int32_t id) const {
  bool is_added = false;
  const std::string* text = impl_->token_text(id, is_added);
  return text ? *text : std::string();
}

bool Tokenizer::is_special(int32_t id) const { return impl_->is_special(id); }

std::vector<int32_t> Tokenizer::special_ids() const {
  std::vector<int32_t> ids;
  for (const auto& token : impl_->added) {
    if (token.special) ids.push_back(token.id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::optional<int32_t> Tokenizer::bos_id() const { return impl_->bos_id; }
std::optional<int32_t> Tokenizer::eos_id() const { return impl_->eos_id; }
std::optional<int32_t> Tokenizer::pad_id() const { return impl_->pad_id; }
std::string Tokenizer::bos_token() const { return impl_->bos_token; }
std::string Tokenizer::eos_token() const { return impl_->eos_token; }
std::string Tokenizer::pad_token() const { return impl_->pad_token; }
const std::string& Tokenizer::source_name() const { return impl_->source; }

}  // namespace regenesis
