#pragma once
// Turning SFT conversations into token ids and a loss mask, with the model's chat template.
// No torch here.
//
// The whole conversation is rendered once (add_generation_prompt=false) and tokenized without
// added special tokens (the rendered text already holds the BOS where the family writes one).
// For each assistant turn i, the loss starts where the prompt ends: the rendering of
// messages[0..i) with the generation prompt (the paper masks exactly those tokens:
// len(template(user-only))), and it runs through the template's end-of-turn token (the first
// special token after the assistant's content, e.g. <|im_end|>, <|eot_id|>, </s>,
// <end_of_turn>); what the template writes after it (a newline, the next header) is not trained,
// since generation stops at end-of-turn.
//
// The prefix property: the rendered prompt must be a prefix of the rendered conversation (an
// Error otherwise: the template rewrites earlier turns, e.g. a system prompt moved to the last
// user turn). Its tokens are normally a prefix of the conversation's tokens too; where a merge
// crosses the boundary they are not, and the loss then starts at the first token that differs
// (that token holds the start of the answer), counted in SftStats::boundary_merges.
#include <cstdint>
#include <string>
#include <vector>

#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/sft_data.h"

namespace regenesis {

struct TokenizedExample {
  std::vector<int32_t> tokens;
  std::vector<uint8_t> loss;  // 1: the token is a training target (predicted from the ones before)
  long line = 0;              // source line
  int64_t loss_tokens() const;
};

struct SftStats {
  int64_t examples = 0, tokens = 0, loss_tokens = 0;
  int64_t truncated = 0;        // cut to max_length (--truncate)
  int64_t dropped = 0;          // no loss token left after the cut (--truncate)
  int64_t boundary_merges = 0;  // token-prefix property failed (see above)
};

class SftTokenizer {
 public:
  SftTokenizer(const Tokenizer& tokenizer, const ChatTemplate& chat_template);

  // Errors (without a file prefix; read_tokenized_sft adds "path:line") when the template
  // refuses the conversation or breaks the prefix property, or an assistant turn renders to
  // no token at all.
  TokenizedExample tokenize(const SftExample& example, SftStats* stats = nullptr) const;

 private:
  const Tokenizer& tokenizer_;
  const ChatTemplate& template_;
};

// read_sft_jsonl + tokenize every example. An example longer than max_length is an Error
// "path:line: ... --max-length ... --truncate", or with truncate it keeps its first max_length
// tokens (and is dropped when no loss token is left).
std::vector<TokenizedExample> read_tokenized_sft(const std::string& path, const Tokenizer& tokenizer,
                                                 const ChatTemplate& chat_template,
                                                 int64_t max_length, bool truncate, SftStats& stats);

}  // namespace regenesis
