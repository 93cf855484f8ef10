#pragma once
// Python string semantics the chat templates rely on (jinja2 runs on Python str): `| trim` and
// str.strip() strip Unicode whitespace (str.isspace, which includes U+001C..U+001F and U+0085,
// unlike C's isspace or JS's trim), str.strip('\n') strips given characters, `| tojson` is
// json.dumps(..., ensure_ascii=False).
#include <string>
#include <string_view>

namespace regenesis::chat_detail {

// str.strip() / jinja2's `| trim` on UTF-8 text (malformed bytes count as non-space).
std::string py_strip(std::string_view text);
// str.strip(chars) / lstrip(chars) / rstrip(chars) with a set of ASCII characters.
std::string py_strip_chars(std::string_view text, std::string_view chars);
std::string py_lstrip_chars(std::string_view text, std::string_view chars);
std::string py_rstrip_chars(std::string_view text, std::string_view chars);
// text.split(separator)[-1] and text.split(separator)[0].
std::string_view after_last(std::string_view text, std::string_view separator);
std::string_view before_first(std::string_view text, std::string_view separator);
// json.dumps(text, ensure_ascii=False): quotes, escapes ", \ and control characters.
std::string py_json_string(std::string_view text);

}  // namespace regenesis::chat_detail
