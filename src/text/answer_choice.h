#pragma once
// Multiple-choice answers. Choices are written "(A) text" (the question schema); the gold answer
// is a letter. A prediction names a choice by its letter in any usual form ("B", "(B)", "B)",
// "B.", "B: text", "(B) text", "option B", "\boxed{B}", "\text{(B)}") or by the choice's text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regenesis {

// 0 -> "A".
std::string choice_letter(size_t index);
// "(A) apples" -> "apples"; a text without a label comes back trimmed.
std::string choice_body(std::string_view choice);

// Which choice (0-based) `candidate` names. With no choices any letter A-Z is accepted and texts
// cannot be matched. With several mentions, the first (or the last when prefer_last).
std::optional<size_t> parse_choice(std::string_view candidate, const std::vector<std::string>& choices,
                                   bool prefer_last = false);

// The last choice a free text mentions: a "(C)", "option C", "answer C", or else the choice text
// that occurs last. Used when the text has no answer cue and no \boxed{}.
std::optional<size_t> last_choice_mention(std::string_view text, const std::vector<std::string>& choices);

bool choice_answers_match(std::string_view predicted, std::string_view gold,
                          const std::vector<std::string>& choices);

}  // namespace regenesis
