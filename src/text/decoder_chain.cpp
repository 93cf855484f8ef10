#include "text/decoder_chain.h"

#include "text/bpe_byte_level.h"
#include "util/strings.h"

namespace regenesis::tok {
namespace {

// "<0x41>" -> 0x41; -1 for anything else.
int byte_fallback_value(std::string_view token) {
  if (token.size() != 6 || !token.starts_with("<0x") || token.back() != '>') return -1;
  int value = 0;
  for (char c : token.substr(3, 2)) {
    int digit = (c >= '0' && c <= '9') ? c - '0'
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                         : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

std::string strip_token(std::string_view token, const std::string& content, size_t start,
                        size_t stop) {
  for (size_t i = 0; i < start && !content.empty() && token.starts_with(content); ++i) {
    token.remove_prefix(content.size());
  }
  for (size_t i = 0; i < stop && !content.empty() && token.ends_with(content); ++i) {
    token.remove_suffix(content.size());
  }
  return std::string(token);
}

// The endings that a clean-up rule could still complete once more text arrives (the proper
// prefixes of the rules); each starts with the space the rule would remove. Longest first.
constexpr std::string_view kOpenCleanupEndings[] = {" n'", " 'v", " 'r", " '", " n", " "};

}  // namespace

std::string clean_up_tokenization_spaces(std::string text) {
  // Applied in this order, each over the whole text, exactly as transformers does.
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."},       {" ?", "?"},     {" !", "!"},     {" ,", ","},       {" ' ", "'"},
      {" n't", "n't"},   {" 'm", "'m"},   {" 's", "'s"},   {" 've", "'ve"},   {" 're", "'re"}};
  for (const auto& [from, to] : kRules) {
    if (text.find(from) != std::string::npos) text = replace_all(std::move(text), from, to);
  }
  return text;
}

DecoderChain DecoderChain::from_json(const JsonNode& node) {
  DecoderChain chain;
  if (node.is_null()) {
    chain.join_with_space_ = true;
    return chain;
  }
  bool fused = false;
  chain.add_steps(node, fused);
  return chain;
}

void DecoderChain::add_steps(const JsonNode& node, bool& fused) {
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node.field("decoders");
    for (size_t i = 0; i < list.array_size(); ++i) add_steps(list.at(i), fused);
    return;
  }
  Step step;
  if (type == "ByteLevel") {
    step.kind = Kind::ByteLevel;
  } else if (type == "ByteFallback") {
    step.kind = Kind::ByteFallback;
  } else if (type == "Fuse") {
    fused = true;  // concatenation is what the stream does anyway
    return;
  } else if (type == "Replace") {
    step.kind = Kind::Replace;
    step.pattern = Pattern::from_json(node.field("pattern"));
    step.content = node.field("content").as_string();
  } else if (type == "Strip") {
    step.kind = Kind::Strip;
    step.content = node.field("content").as_string();
    step.start = static_cast<size_t>(std::max(0LL, node.int_or("start", 0)));
    step.stop = static_cast<size_t>(std::max(0LL, node.int_or("stop", 0)));
    if (fused) {
      // After Fuse there is one token: the whole text. Its start can be stripped as the stream
      // begins; its end is unknown until the stream ends, which streaming cannot wait for.
      if (step.stop > 0) node.fail("(Strip with stop > 0 after Fuse) is not supported");
      stream_strip_ = step.start;
      stream_strip_content_ = step.content;
      return;
    }
  } else if (type == "Metaspace") {
    step.kind = Kind::Metaspace;
    step.content = node.string_or("replacement", "\u2581");
    if (auto scheme = node.optional_field("prepend_scheme")) {
      step.strip_first = scheme->as_string() != "never";
    } else {
      step.strip_first = node.bool_or("add_prefix_space", true);
    }
  } else {
    node.unsupported_type();
  }
  steps_.push_back(std::move(step));
}

std::string DecoderChain::apply_token_steps(const DecodeState& state, std::string_view token,
                                            bool is_added) const {
  std::string text(token);
  for (const Step& step : steps_) {
    switch (step.kind) {
      case Kind::ByteLevel:
        if (!is_added) {
          // A token with characters outside the byte alphabet stays as written (HF does this).
          if (auto bytes = byte_level_decode(text)) text = std::move(*bytes);
        }
        break;
      case Kind::ByteFallback: {
        int value = byte_fallback_value(text);
        if (value >= 0) text.assign(1, static_cast<char>(value));
        break;
      }
      case Kind::Replace:
        text = step.pattern.replace_all(text, step.content);
        break;
      case Kind::Strip:
        text = strip_token(text, step.content, step.start, step.stop);
        break;
      case Kind::Metaspace:
        text = replace_all(std::move(text), step.content,
                           step.strip_first && state.tokens == 0 ? "" : " ");
        break;
    }
  }
  return text;
}

void DecoderChain::push(DecodeState& state, std::string_view token, bool is_added,
                        std::string& out) const {
  if (!state.started) {
    state.started = true;
    state.strip_left = stream_strip_;
  }
  std::string piece = apply_token_steps(state, token, is_added);
  if (join_with_space_ && state.tokens > 0) piece.insert(0, " ");
  ++state.tokens;

  std::string_view rest = piece;
  while (state.strip_left > 0 && !stream_strip_content_.empty() &&
         rest.starts_with(stream_strip_content_)) {
    rest.remove_prefix(stream_strip_content_.size());
    --state.strip_left;
  }
  if (!rest.empty()) state.strip_left = 0;  // only the very start of the text is stripped

  std::string valid;
  state.utf8.feed(rest, valid);
  emit(state, valid, out);
}

void DecoderChain::emit(DecodeState& state, std::string_view valid_text, std::string& out) const {
  if (!cleanup_) {
    out.append(valid_text);
    return;
  }
  // A rule can only reach across a point that ends in the start of a rule (" ", " '", ...; see
  // kOpenCleanupEndings), so everything before the last run of such endings is final.
  std::string& pending = state.cleanup_pending;
  pending.append(valid_text);
  size_t cut = pending.size();
  for (bool held = true; held;) {
    held = false;
    for (std::string_view ending : kOpenCleanupEndings) {
      if (std::string_view(pending).substr(0, cut).ends_with(ending)) {
        cut -= ending.size();
        held = true;
        break;
      }
    }
  }
  out += clean_up_tokenization_spaces(pending.substr(0, cut));
  pending.erase(0, cut);
}

void DecoderChain::finish(DecodeState& state, std::string& out) const {
  std::string valid;
  state.utf8.finish(valid);
  if (cleanup_) {
    state.cleanup_pending.append(valid);
    out += clean_up_tokenization_spaces(std::move(state.cleanup_pending));
    state.cleanup_pending.clear();
  } else {
    out += valid;
  }
}

}  // namespace regenesis::tok
