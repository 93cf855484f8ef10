#include "text/pre_tokenizer.h"

#include <functional>

#include "text/bpe_byte_level.h"
#include "text/tokenizer_regex.h"
#include "text/unicode_utf8.h"
#include "util/strings.h"

namespace regenesis::tok {
namespace {

// GPT-2's word pattern, which ByteLevel applies when use_regex is set.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

using PieceFn = std::function<void(const PreToken& piece, std::vector<PreToken>& out)>;

void for_each_piece(std::vector<PreToken>& pieces, const PieceFn& fn) {
  std::vector<PreToken> out;
  out.reserve(pieces.size() * 2);
  for (const PreToken& piece : pieces) fn(piece, out);
  pieces = std::move(out);
}

void emit_spans(const PreToken& piece, const std::vector<Span>& spans, std::vector<PreToken>& out) {
  for (const Span& s : spans) {
    out.push_back({piece.text.substr(s.begin, s.end - s.begin), piece.at_input_start && s.begin == 0});
  }
}

void split_by_pattern(const PreToken& piece, const Pattern& pattern, SplitBehavior behavior,
                      bool invert, std::vector<PreToken>& out) {
  std::vector<Span> matches;
  pattern.find_all(piece.text, matches);
  emit_spans(piece, split_spans(piece.text.size(), matches, behavior, invert), out);
}

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  void split(std::vector<PreToken>& pieces) const override {
    for (const auto& step : steps_) step->split(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(Pattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void split(std::vector<PreToken>& pieces) const override {
    for_each_piece(pieces, [&](const PreToken& piece, std::vector<PreToken>& out) {
      split_by_pattern(piece, pattern_, behavior_, invert_, out);
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space),
        use_regex_(use_regex),
        pattern_(Pattern::regex(kGpt2Pattern, "ByteLevel")) {}
  void split(std::vector<PreToken>& pieces) const override {
    for_each_piece(pieces, [&](const PreToken& piece, std::vector<PreToken>& out) {
      PreToken prefixed = piece;
      if (add_prefix_space_ && !prefixed.text.starts_with(' ')) prefixed.text.insert(0, " ");
      size_t first = out.size();
      if (use_regex_) {
        split_by_pattern(prefixed, pattern_, SplitBehavior::Isolated, false, out);
      } else if (!prefixed.text.empty()) {
        out.push_back(std::move(prefixed));
      }
      for (size_t i = first; i < out.size(); ++i) out[i].text = byte_level_encode(out[i].text);
    });
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
  Pattern pattern_;
};

// Digits: each numeric character alone (individual_digits) or runs of them, as separate pieces.
class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual) : individual_(individual) {}
  void split(std::vector<PreToken>& pieces) const override {
    for_each_piece(pieces, [&](const PreToken& piece, std::vector<PreToken>& out) {
      std::vector<Span> matches;
      const std::string& text = piece.text;
      for (size_t pos = 0; pos < text.size();) {
        size_t begin = pos;
        if (unicode::is_numeric(unicode::next_codepoint(text, pos))) matches.push_back({begin, pos});
      }
      auto behavior = individual_ ? SplitBehavior::Isolated : SplitBehavior::Contiguous;
      emit_spans(piece, split_spans(text.size(), matches, behavior, false), out);
    });
  }

 private:
  bool individual_;
};

enum class PrependScheme { Always, First, Never };

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void split(std::vector<PreToken>& pieces) const override {
    Pattern delimiter = Pattern::literal(replacement_);
    for_each_piece(pieces, [&](const PreToken& piece, std::vector<PreToken>& out) {
      PreToken replaced{replace_all(piece.text, " ", replacement_), piece.at_input_start};
      bool prepend = scheme_ == PrependScheme::Always ||
                     (scheme_ == PrependScheme::First && piece.at_input_start);
      if (prepend && !replaced.text.starts_with(replacement_)) replaced.text.insert(0, replacement_);
      if (split_) {
        split_by_pattern(replaced, delimiter, SplitBehavior::MergedWithNext, false, out);
      } else if (!replaced.text.empty()) {
        out.push_back(std::move(replaced));
      }
    });
  }

 private:
  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
};

PrependScheme metaspace_scheme(const JsonNode& node) {
  if (auto scheme = node.optional_field("prepend_scheme")) {
    std::string name = scheme->as_string();
    if (name == "always") return PrependScheme::Always;
    if (name == "first") return PrependScheme::First;
    if (name == "never") return PrependScheme::Never;
    scheme->fail("'" + name + "' is not one of always, first, never");
  }
  // Files written before prepend_scheme existed say add_prefix_space.
  return node.bool_or("add_prefix_space", true) ? PrependScheme::Always : PrependScheme::Never;
}

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node.field("pretokenizers");
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_pre_tokenizer(list.at(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Split") {
    return std::make_unique<SplitPreTokenizer>(Pattern::from_json(node.field("pattern")),
                                               parse_split_behavior(node.field("behavior")),
                                               node.bool_or("invert", false));
  }
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPreTokenizer>(node.bool_or("add_prefix_space", true),
                                                   node.bool_or("use_regex", true));
  }
  if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(node.bool_or("individual_digits", false));
  if (type == "Metaspace") {
    return std::make_unique<MetaspacePreTokenizer>(node.string_or("replacement", "\u2581"),
                                                   metaspace_scheme(node), node.bool_or("split", true));
  }
  if (type == "Whitespace") {
    return std::make_unique<SplitPreTokenizer>(Pattern::regex(R"(\w+|[^\w\s]+)", "Whitespace"),
                                               SplitBehavior::Removed, true);
  }
  if (type == "WhitespaceSplit") {
    return std::make_unique<SplitPreTokenizer>(Pattern::regex(R"(\s+)", "WhitespaceSplit"),
                                               SplitBehavior::Removed, false);
  }
  node.unsupported_type();
}

}  // namespace regenesis::tok
