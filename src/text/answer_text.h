#pragma once
// Yes/no answers and free-text answers (names, dates, times: the `text` answers of ASDiv and
// NumGLUE).
#include <optional>
#include <string>
#include <string_view>

namespace regenesis {

// "yes" or "no" for the first (or last) yes/no/true/false word in `candidate`, any case,
// inside \boxed{}/\text{} or not.
std::optional<std::string> parse_yes_no(std::string_view candidate, bool prefer_last = false);
bool yes_no_answers_match(std::string_view predicted, std::string_view gold);

// Lower case, no punctuation (a time's "3:30" keeps its colon), no articles, single spaces:
// "3:30 p.m." -> "3:30 pm", "The 60th caller." -> "60th caller".
std::string comparable_words(std::string_view text);
// Equal comparable words, the same words in another order ("24 April" vs "April 24"), a
// prediction that starts with the gold phrase ("Bryan, because he ran farther"), the gold phrase
// inside a prediction at most 3 words longer ("the winner is Bryan"), or equal numbers.
bool text_answers_match(std::string_view predicted, std::string_view gold);

}  // namespace regenesis
