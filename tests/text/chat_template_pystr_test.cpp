// Python string semantics used by the templates; expected values are what CPython 3.11 prints
// for the same calls (str.strip, str.strip('\n'), str.split, json.dumps(ensure_ascii=False)).
#include <gtest/gtest.h>

#include "text/chat_template_pystr.h"

namespace regenesis::chat_detail {
namespace {

TEST(ChatTemplatePyStr, StripUsesPythonUnicodeWhitespace) {
  // U+3000, U+001C (a "separator" Python counts as space), U+0085, U+2028.
  EXPECT_EQ(py_strip("\u3000\x1c a b\xC2\x85\u2028"), "a b");
  // Zero-width space and BOM are not whitespace to Python (JS's trim strips the BOM).
  EXPECT_EQ(py_strip("\u200b x \ufeff"), "\u200b x \ufeff");
  EXPECT_EQ(py_strip("\xC2\xA0\t\n"), "");
  EXPECT_EQ(py_strip("\xC3\xA9\u2003"), "\xC3\xA9");
  EXPECT_EQ(py_strip("\u2003\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(py_strip(""), "");
  EXPECT_EQ(py_strip("  keep  inner  "), "keep  inner");
  // Malformed UTF-8 is kept, not treated as space.
  EXPECT_EQ(py_strip(" \xE3\x80 "), "\xE3\x80");
}

TEST(ChatTemplatePyStr, StripCharsAndSplit) {
  EXPECT_EQ(py_strip_chars("\n\nabc\n", "\n"), "abc");
  EXPECT_EQ(py_lstrip_chars("\n\n a\n", "\n"), " a\n");
  EXPECT_EQ(py_rstrip_chars("\n a\n\n", "\n"), "\n a");
  EXPECT_EQ(py_strip_chars("\n\n", "\n"), "");
  EXPECT_EQ(after_last("a</think>b</think>c", "</think>"), "c");
  EXPECT_EQ(after_last("no marker", "</think>"), "no marker");
  EXPECT_EQ(before_first("a</think>b</think>c", "</think>"), "a");
  EXPECT_EQ(after_last("x<think>y<think>z", "<think>"), "z");
}

TEST(ChatTemplatePyStr, JsonStringLikePythonJsonDumps) {
  EXPECT_EQ(py_json_string("He said \"hi\"\n\tpath C:\\tmp \xE2\x80\x94 ok\x01\x7f\u2028"),
            "\"He said \\\"hi\\\"\\n\\tpath C:\\\\tmp \xE2\x80\x94 ok\\u0001\x7f\u2028\"");
  EXPECT_EQ(py_json_string(""), "\"\"");
}

}  // namespace
}  // namespace regenesis::chat_detail
