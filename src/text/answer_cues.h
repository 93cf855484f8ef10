#pragma once
// Where a completion states its final answer: boxes, answer cues and sentences around them
// (used by answer_extract.cpp; the order of use is documented in answer.h).
#include <optional>
#include <string>
#include <string_view>

namespace regenesis {

struct BoxedAnswer {
  size_t position;      // index of the backslash of \boxed / \fbox
  std::string content;  // between the braces
};
// The last complete box (see last_boxed_content in answer.h).
std::optional<BoxedAnswer> find_last_boxed(std::string_view text);

struct AnswerCue {
  size_t position;       // where the cue starts
  std::string_view text; // the first sentence after it ("answer is ...") or the sentence before it
                         // ("... is the answer")
  const char* method;
};
// The last "answer is"-style cue and the first sentence after it.
std::optional<AnswerCue> find_last_answer_cue(std::string_view completion);
// The last "... is the answer"-style cue and the sentence before it.
std::optional<AnswerCue> find_last_trailing_cue(std::string_view completion);

// The text up to the first line break or sentence end ('.' followed by a space or the end, not
// after "Mr", "Mrs", "Dr", "vs", "p.m" and other abbreviations, not a decimal point).
std::string_view first_sentence(std::string_view text);
// The sentence that ends at the end of `text`.
std::string_view last_sentence(std::string_view text);

}  // namespace regenesis
