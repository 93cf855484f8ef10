#include "text/tokenizer_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

#include "text/unicode_utf8.h"
#include "util/error.h"

namespace regenesis::tok {

struct Pattern::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

namespace {

// Per-thread match buffers: compiled patterns are shared between threads, match state is not.
struct MatchScratch {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  // Long whitespace runs against `\s+(?!\S)` need more than the default 32 KiB JIT stack.
  pcre2_jit_stack* jit_stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
  MatchScratch() { pcre2_jit_stack_assign(context, nullptr, jit_stack); }
  ~MatchScratch() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
  }
};

MatchScratch& scratch() {
  thread_local MatchScratch instance;
  return instance;
}

}  // namespace

Pattern Pattern::literal(std::string text) {
  Pattern p;
  p.literal_ = std::move(text);
  return p;
}

Pattern Pattern::regex(const std::string& pattern, const std::string& where) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    fail(where, ": invalid regex at offset ", error_offset, ": ",
         reinterpret_cast<const char*>(message));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when unavailable
  auto compiled = std::make_shared<Compiled>();
  compiled->code = code;
  Pattern p;
  p.regex_ = std::move(compiled);
  p.literal_ = pattern;
  return p;
}

Pattern Pattern::from_json(const JsonNode& node) {
  if (auto literal = node.optional_field("String")) return Pattern::literal(literal->as_string());
  if (auto regex = node.optional_field("Regex")) {
    return Pattern::regex(regex->as_string(), node.source() + ": " + regex->path());
  }
  node.fail("must be {\"String\": ...} or {\"Regex\": ...}");
}

void Pattern::find_all(std::string_view text, std::vector<Span>& out) const {
  if (!regex_) {
    if (literal_.empty()) return;
    for (size_t pos = text.find(literal_); pos != std::string_view::npos;
         pos = text.find(literal_, pos + literal_.size())) {
      out.push_back({pos, pos + literal_.size()});
    }
    return;
  }
  MatchScratch& s = scratch();
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  while (start <= text.size()) {
    int rc = pcre2_match(regex_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, s.data,
                         s.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      fail("regex match failed for /", literal_, "/: ", reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(s.data);
    size_t begin = ovector[0], end = ovector[1];
    if (end > begin) {
      out.push_back({begin, end});
      start = end;
    } else {
      // An empty match yields no piece; step over one character and search again.
      if (begin >= text.size()) break;
      start = begin + unicode::codepoint_length(text, begin);
    }
  }
}

std::string Pattern::replace_all(std::string_view text, std::string_view replacement) const {
  std::vector<Span> matches;
  find_all(text, matches);
  if (matches.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + matches.size() * replacement.size());
  size_t last = 0;
  for (const Span& m : matches) {
    out.append(text.substr(last, m.begin - last));
    out.append(replacement);
    last = m.end;
  }
  out.append(text.substr(last));
  return out;
}

SplitBehavior parse_split_behavior(const JsonNode& node) {
  std::string name = node.as_string();
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  node.fail("'" + name + "' is not a known split behavior");
}

namespace {
struct Segment {
  Span span;
  bool is_match;
};
}  // namespace

std::vector<Span> split_spans(size_t size, const std::vector<Span>& matches,
                              SplitBehavior behavior, bool invert) {
  // The whole text as alternating gaps and matches.
  std::vector<Segment> segments;
  size_t last = 0;
  for (const Span& m : matches) {
    if (m.begin > last) segments.push_back({{last, m.begin}, invert});
    segments.push_back({m, !invert});
    last = m.end;
  }
  if (last < size) segments.push_back({{last, size}, invert});

  std::vector<Segment> pieces;
  switch (behavior) {
    case SplitBehavior::Removed:
      for (const Segment& s : segments) {
        if (!s.is_match) pieces.push_back(s);
      }
      break;
    case SplitBehavior::Isolated:
      pieces = segments;
      break;
    case SplitBehavior::MergedWithPrevious: {
      bool previous_match = false;
      for (const Segment& s : segments) {
        if (s.is_match && !previous_match && !pieces.empty()) {
          pieces.back().span.end = s.span.end;
        } else {
          pieces.push_back(s);
        }
        previous_match = s.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous_match = false;  // scanning right to left: "previous" is the one to the right
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        if (it->is_match && !previous_match && !pieces.empty()) {
          pieces.back().span.begin = it->span.begin;
        } else {
          pieces.push_back(*it);
        }
        previous_match = it->is_match;
      }
      std::reverse(pieces.begin(), pieces.end());
      break;
    }
    case SplitBehavior::Contiguous: {
      bool previous_match = false;
      for (const Segment& s : segments) {
        if (s.is_match == previous_match && !pieces.empty()) {
          pieces.back().span.end = s.span.end;
        } else {
          pieces.push_back(s);
        }
        previous_match = s.is_match;
      }
      break;
    }
  }
  std::vector<Span> out;
  out.reserve(pieces.size());
  for (const Segment& p : pieces) {
    if (p.span.end > p.span.begin) out.push_back(p.span);
  }
  return out;
}

}  // namespace regenesis::tok
