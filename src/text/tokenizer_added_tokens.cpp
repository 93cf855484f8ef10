#include "text/tokenizer_added_tokens.h"

#include "text/unicode_utf8.h"
#include "util/limits.h"

namespace regenesis::tok {

std::vector<AddedToken> parse_added_tokens(const JsonNode& list) {
  std::vector<AddedToken> tokens;
  for (size_t i = 0; i < list.array_size(); ++i) {
    JsonNode entry = list.at(i);
    AddedToken token;
    long long id = entry.field("id").as_int();
    if (id < 0 || id > limits::kTokenIdMax) {
      entry.field("id").fail("must be an id from 0 to " + std::to_string(limits::kTokenIdMax) +
                             " (got " + std::to_string(id) + ")");
    }
    token.id = static_cast<int32_t>(id);
    token.content = entry.field("content").as_string();
    if (token.content.empty()) entry.field("content").fail("must not be empty");
    token.special = entry.bool_or("special", false);
    token.lstrip = entry.bool_or("lstrip", false);
    token.rstrip = entry.bool_or("rstrip", false);
    token.single_word = entry.bool_or("single_word", false);
    token.normalized = entry.bool_or("normalized", !token.special);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens,
                                     bool (*include)(const AddedToken&))
    : tokens_(&tokens) {
  for (size_t index = 0; index < tokens.size(); ++index) {
    if (!include(tokens[index])) continue;
    int32_t node = 0;
    for (char c : tokens[index].content) {
      uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(c);
      auto it = edges_.find(key);
      if (it == edges_.end()) {
        nodes_.push_back(-1);
        it = edges_.emplace(key, static_cast<int32_t>(nodes_.size() - 1)).first;
      }
      node = it->second;
    }
    // The same content listed twice: the first entry wins.
    if (nodes_[node] < 0) nodes_[node] = static_cast<int32_t>(index);
    first_bytes_[static_cast<unsigned char>(tokens[index].content[0])] = true;
  }
}

std::pair<size_t, int32_t> AddedTokenMatcher::longest_at(std::string_view text, size_t pos) const {
  std::pair<size_t, int32_t> best{pos, -1};
  int32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(text[i]);
    auto it = edges_.find(key);
    if (it == edges_.end()) break;
    node = it->second;
    if (nodes_[node] >= 0) best = {i + 1, nodes_[node]};
  }
  return best;
}

namespace {

bool is_word_char(char32_t cp) { return cp == '_' || unicode::is_alphanumeric(cp); }

size_t previous_char_start(std::string_view text, size_t pos) {
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return start;
}

char32_t char_at(std::string_view text, size_t pos) { return unicode::next_codepoint(text, pos); }

}  // namespace

void AddedTokenMatcher::split(std::string_view text, std::vector<TextSegment>& out) const {
  size_t plain_begin = 0;  // start of the text not yet emitted
  size_t search = 0;
  while (!empty() && search < text.size()) {
    size_t start = search;
    std::pair<size_t, int32_t> match{0, -1};
    for (; start < text.size(); ++start) {
      if (!first_bytes_[static_cast<unsigned char>(text[start])]) continue;
      match = longest_at(text, start);
      if (match.second >= 0) break;
    }
    if (match.second < 0) break;
    size_t stop = match.first;
    const AddedToken& token = (*tokens_)[match.second];
    search = stop;
    if (token.single_word) {
      bool word_before = start > 0 && is_word_char(char_at(text, previous_char_start(text, start)));
      bool word_after = stop < text.size() && is_word_char(char_at(text, stop));
      if (word_before || word_after) continue;
    }
    if (token.lstrip) {
      while (start > plain_begin) {
        size_t prev = previous_char_start(text, start);
        if (!unicode::is_whitespace(char_at(text, prev))) break;
        start = prev;
      }
    }
    if (token.rstrip) {
      while (stop < text.size()) {
        size_t next = stop;
        if (!unicode::is_whitespace(unicode::next_codepoint(text, next))) break;
        stop = next;
      }
      search = stop;
    }
    if (start > plain_begin) out.push_back({plain_begin, start, -1});
    out.push_back({start, stop, match.second});
    plain_begin = stop;
  }
  if (plain_begin < text.size()) out.push_back({plain_begin, text.size(), -1});
}

}  // namespace regenesis::tok
