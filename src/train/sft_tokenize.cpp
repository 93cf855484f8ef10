#include "train/sft_tokenize.h"

#include <algorithm>

#include "util/error.h"
#include "util/log.h"

namespace regenesis {

int64_t TokenizedExample::loss_tokens() const {
  return std::count(loss.begin(), loss.end(), uint8_t{1});
}

SftTokenizer::SftTokenizer(const Tokenizer& tokenizer, const ChatTemplate& chat_template)
    : tokenizer_(tokenizer), template_(chat_template) {}

namespace {

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TokenizedExample SftTokenizer::tokenize(const SftExample& example, SftStats* stats) const {
  const std::vector<ChatMessage>& messages = example.messages;
  const std::string full_text = template_.render(messages, /*add_generation_prompt=*/false);
  TokenizedExample out;
  out.line = example.line;
  out.tokens = tokenizer_.encode(full_text, /*add_special_tokens=*/false);
  out.loss.assign(out.tokens.size(), 0);

  // Where each assistant turn's prompt ends, in tokens of the whole conversation.
  std::vector<size_t> turns, boundaries;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].role != "assistant") continue;
    const std::vector<ChatMessage> before(messages.begin(), messages.begin() + i);
    const std::string prompt_text = template_.render(before, /*add_generation_prompt=*/true);
    if (!starts_with(full_text, prompt_text))
      fail("the chat template '", template_.name(), "' does not render the prompt of turn ", i + 1,
           " as a prefix of the whole conversation (it rewrites earlier turns), so the assistant "
           "tokens cannot be told from the prompt");
    const std::vector<int32_t> prompt = tokenizer_.encode(prompt_text, false);
    const size_t boundary = common_prefix(prompt, out.tokens);
    if (boundary < prompt.size() && stats) ++stats->boundary_merges;
    turns.push_back(i);
    boundaries.push_back(boundary);
  }

  for (size_t t = 0; t < turns.size(); ++t) {
    const size_t i = turns[t], start = boundaries[t];
    const size_t limit = t + 1 < turns.size() ? boundaries[t + 1] : out.tokens.size();
    // The end-of-turn token is the first special token after the content's own special tokens.
    int64_t specials_in_content = 0;
    for (int32_t id : tokenizer_.encode(messages[i].content, false))
      specials_in_content += tokenizer_.is_special(id) ? 1 : 0;
    size_t end = 0;
    int64_t seen = 0;
    for (size_t k = start; k < limit && end == 0; ++k)
      if (tokenizer_.is_special(out.tokens[k]) && seen++ == specials_in_content) end = k + 1;
    if (end == 0) {
      // No special end-of-turn: the turn ends where its own rendering ends.
      const std::vector<ChatMessage> upto(messages.begin(), messages.begin() + i + 1);
      const std::string upto_text = template_.render(upto, false);
      end = limit;
      if (starts_with(full_text, upto_text))
        end = std::min(limit, common_prefix(tokenizer_.encode(upto_text, false), out.tokens));
    }
    if (end <= start) fail("assistant turn ", i + 1, " renders to no token after its prompt");
    std::fill(out.loss.begin() + start, out.loss.begin() + end, uint8_t{1});
  }
  if (!out.loss.empty()) out.loss[0] = 0;  // the first token has nothing to be predicted from
  return out;
}

std::vector<TokenizedExample> read_tokenized_sft(const std::string& path, const Tokenizer& tokenizer,
                                                 const ChatTemplate& chat_template,
                                                 int64_t max_length, bool truncate, SftStats& stats) {
  const std::vector<SftExample> examples = read_sft_jsonl(path);
  const SftTokenizer sft(tokenizer, chat_template);
  std::vector<TokenizedExample> out;
  out.reserve(examples.size());
  for (const SftExample& example : examples) {
    TokenizedExample tokenized;
    try {
      tokenized = sft.tokenize(example, &stats);
    } catch (const Error& e) {
      fail_at(path, example.line, e.what());
    }
    if (static_cast<int64_t>(tokenized.tokens.size()) > max_length) {
      if (!truncate)
        fail_at(path, example.line,
                "the example has " + std::to_string(tokenized.tokens.size()) +
                    " tokens, more than --max-length " + std::to_string(max_length) +
                    " (raise --max-length, or pass --truncate to cut such examples)");
      tokenized.tokens.resize(max_length);
      tokenized.loss.resize(max_length);
      ++stats.truncated;
      if (tokenized.loss_tokens() == 0) {
        ++stats.dropped;
        continue;
      }
    }
    if (tokenized.loss_tokens() == 0) fail_at(path, example.line, "the example has no token to train on");
    ++stats.examples;
    stats.tokens += static_cast<int64_t>(tokenized.tokens.size());
    stats.loss_tokens += tokenized.loss_tokens();
    out.push_back(std::move(tokenized));
  }
  if (out.empty()) fail(path, ": no example is left to train on (all were cut away by --truncate)");
  if (stats.boundary_merges > 0)
    log_warn(path + ": in " + std::to_string(stats.boundary_merges) +
             " turn(s) a token spans the end of the prompt; the loss starts at that token");
  return out;
}

}  // namespace regenesis
