// IncrementalDecoder: the decoder chain run one token at a time (decode() runs it too).
#include <stdexcept>

#include "text/tokenizer_impl.h"

namespace regenesis {

struct IncrementalDecoder::State {
  tok::DecodeState decode;
  std::string emitted;
  bool finished = false;
};

IncrementalDecoder::IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special_tokens)
    : tokenizer_(tokenizer), skip_special_tokens_(skip_special_tokens), state_(std::make_unique<State>()) {}

IncrementalDecoder::IncrementalDecoder(const IncrementalDecoder& other)
    : tokenizer_(other.tokenizer_),
      skip_special_tokens_(other.skip_special_tokens_),
      state_(std::make_unique<State>(*other.state_)) {}

IncrementalDecoder& IncrementalDecoder::operator=(const IncrementalDecoder& other) {
  if (this != &other) {
    tokenizer_ = other.tokenizer_;
    skip_special_tokens_ = other.skip_special_tokens_;
    state_ = std::make_unique<State>(*other.state_);
  }
  return *this;
}

IncrementalDecoder::IncrementalDecoder(IncrementalDecoder&&) noexcept = default;
IncrementalDecoder& IncrementalDecoder::operator=(IncrementalDecoder&&) noexcept = default;
IncrementalDecoder::~IncrementalDecoder() = default;

std::string IncrementalDecoder::push(int32_t id) {
  if (state_->finished) throw std::logic_error("IncrementalDecoder::push after finish");
  const Tokenizer::Impl& impl = *tokenizer_.impl_;
  if (skip_special_tokens_ && impl.is_special(id)) return {};
  bool is_added = false;
  const std::string* token = impl.token_text(id, is_added);
  if (!token) return {};  // an id the vocabulary lacks: skipped, as HF does
  std::string out;
  impl.decoder.push(state_->decode, *token, is_added, out);
  state_->emitted += out;
  return out;
}

std::string IncrementalDecoder::finish() {
  if (state_->finished) return {};
  state_->finished = true;
  std::string out;
  tokenizer_.impl_->decoder.finish(state_->decode, out);
  state_->emitted += out;
  return out;
}

std::string IncrementalDecoder::text() const { return state_->emitted; }

}  // namespace regenesis
