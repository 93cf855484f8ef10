// The released exact-match filter, ported with its quirks. Expected values were computed by
// running the released Python functions (process_reason.py) on the same inputs.
#include <gtest/gtest.h>

#include "pipeline/paper_match.h"
#include "pipeline/path_rewrite.h"

namespace regenesis {
namespace {

struct EmCase {
  const char* solution;
  const char* truth;
  bool correct;
  std::vector<std::string> candidates;
};

TEST(PaperMatch, AgreesWithTheReleasedPythonOnEveryCase) {
  const std::vector<EmCase> cases = {
      {"The answer is \\boxed{72}.", "72", true, {"72", "72", "72", "72"}},
      {"\\boxed{True}", "True", false, {}},                 // quirk: no digit, no match
      {"\\boxed{(A) apples}", "(A) apples", false, {}},     // quirk: same for choices
      {"\\boxed{105}", "10.05", true, {"105", "105", "105", "105"}},  // ".0" removal merges
      {"\\boxed{-5}", "-5", true, {"5", "5", "5", "5"}},    // sign dropped; substring branch
      {"\\boxed{-5}", "5", true, {"5", "5", "5", "5"}},
      {"\\boxed{$1,234.00}", "1234", true, {"1234.0", "1234", "1234.0", "1234"}},
      {"\\boxed{3.50}", "3.5", true, {"3.5", "3.5", "3.5", "3.5"}},
      {"\\boxed{3.50}", "3.50", false, {"3.5", "3.5", "3.5", "3.5"}},
      {"\\boxed{50%}", "50", true, {"50", "50", "50", "50"}},
      {"\\boxed{0.5}", ".5", true, {"0.5", "0.5", "0.5", "0.5"}},
      {"\\boxed{}  costs 18 dollars", "18", true, {"18", "18", "18", "18"}},  // empty box: whole text
      {"no box, first 12 then 7", "7", true, {"12", "12", "7", "7"}},
      {"no box, first 12 then 7", "12", true, {"12", "12", "7", "7"}},
      {"\\boxed{007}", "7", true, {"7", "7", "7", "7"}},
      {"\\boxed{12345678901234567.5}", "12345678901234567.5", false,
       {"1.2345678901234568e+16", "1.2345678901234568e+16", "1.2345678901234568e+16",
        "1.2345678901234568e+16"}},
      {"\\boxed{\\frac{1}{2}}", "1", true, {"1", "1", "2", "2"}},
      {"\\boxed{x = 4 and y = 9}", "9", true, {"4", "4", "9", "9"}},
      {"\\fbox{8}", "8", true, {"8", "8", "8", "8"}},
      {"\\boxed{Yes, 2 times}", "Yes", true, {"2", "2", "2", "2"}},
      {"\\boxed{1.0}", "1", true, {"1.0", "1", "1.0", "1"}},
      {"\\boxed{20.0}", "2", false, {"20.0", "20", "20.0", "20"}},
      {"\\boxed{2 (B) pears}", "(B) pears", true, {"2", "2", "2", "2"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.solution) + " vs " + c.truth);
    EXPECT_EQ(paper::check_em(c.solution, c.truth), c.correct);
    EXPECT_EQ(paper::match_answer(paper::python_strip(c.solution)).candidates, c.candidates);
  }
}

TEST(PaperMatch, LastBoxedOnlyStringMatchesBraces) {
  EXPECT_EQ(paper::last_boxed_only_string("\\boxed{1} then \\boxed{ \\frac{2}{3} }"), "\\frac{2}{3}");
  EXPECT_EQ(paper::last_boxed_only_string("\\fbox{4}"), "4");
  EXPECT_FALSE(paper::last_boxed_only_string("\\boxed{unclosed").has_value());
  EXPECT_FALSE(paper::last_boxed_only_string("no box").has_value());
  // The last \boxed wins over an earlier \fbox; \fbox is only the fallback.
  EXPECT_EQ(paper::last_boxed_only_string("\\fbox{1} \\boxed{2} \\fbox{3}"), "2");
}

TEST(PaperMatch, PythonFloatRepr) {
  // repr() of each value in CPython 3.11.
  EXPECT_EQ(paper::python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(paper::python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(paper::python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(paper::python_float_repr(1e16), "1e+16");
  EXPECT_EQ(paper::python_float_repr(3.5), "3.5");
  EXPECT_EQ(paper::python_float_repr(12345678901234567.5), "1.2345678901234568e+16");
  EXPECT_EQ(paper::python_float_repr(2.0), "2.0");
  EXPECT_EQ(paper::python_float_repr(123.456), "123.456");
  EXPECT_EQ(paper::python_float_repr(1.5e-7), "1.5e-07");
  EXPECT_EQ(paper::python_float_repr(100.0), "100.0");
  EXPECT_EQ(paper::python_float_repr(0.1), "0.1");
}

TEST(PaperMatch, PythonStripUsesUnicodeWhitespace) {
  EXPECT_EQ(paper::python_strip("\xC2\xA0 x y\t\n\xE3\x80\x80"), "x y");  // NBSP, ideographic space
  EXPECT_EQ(paper::python_strip("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(paper::python_strip(""), "");
}

// Expected outputs from the released code (rewrite = split/strip/collapse + find_step).
TEST(PathRewrite, SubstringModeAgreesWithTheReleasedPython) {
  RewriteOptions paper;
  paper.list_markers = false;
  paper.drop_first_paragraph_steps = true;
  EXPECT_EQ(rewrite_path("Let me restate.\n\n1. Add the numbers.\n\n2. Check.\n\nSo \\boxed{5}.", paper),
            "Let's think step by step.\n\n1. Add the numbers.\n\n2. Check.\n\nSo \\boxed{5}.");
  EXPECT_FALSE(rewrite_path("1. First step.\n\n2. Second step. \\boxed{3}", paper).has_value());
  EXPECT_EQ(rewrite_path("Intro.\n\nThe price is $1.50 each.\n\n1. Buy  two\t items.\n2. Pay $3.\n\n"
                         "The total cost is $1.50 times 2. \\boxed{3}", paper),
            "Let's think step by step.\n\nThe total cost is $1.50 times 2. \\boxed{3}");
  EXPECT_EQ(rewrite_path("Plan:\n\n1. a\n\n2. b\n\nExecution:\n\n1. x\n\n2. y\n\n\\boxed{1}", paper),
            "Let's think step by step.\n\n1. x\n\n2. y\n\n\\boxed{1}");
  EXPECT_FALSE(rewrite_path("No steps here.\n\n\\boxed{4}", paper).has_value());
  EXPECT_EQ(rewrite_path("  \n\n  Header \xC2\xA0 text\n\n\n\n 1. go \n\n 2. stop ", paper),
            "Let's think step by step.\n\n1. go\n\n2. stop");
  EXPECT_EQ(rewrite_path("Intro\n\nStep 1. compute 21.\n\nStep 2. done", paper),
            "Let's think step by step.\n\nStep 1. compute 21.\n\nStep 2. done");
}

TEST(PathRewrite, DefaultsKeepFirstParagraphStepsAndIgnoreAmounts) {
  RewriteOptions ours;  // list markers, keep i = 0
  EXPECT_EQ(rewrite_path("1. First step.\n\n2. Second step. \\boxed{3}", ours),
            "Let's think step by step.\n\n1. First step.\n\n2. Second step. \\boxed{3}");
  // "$1.50" is not a step marker, so the steps are not cut off.
  EXPECT_EQ(rewrite_path("Intro.\n\nThe price is $1.50 each.\n\n1. Buy  two\t items.\n2. Pay $3.\n\n"
                         "The total cost is $1.50 times 2. \\boxed{3}", ours),
            "Let's think step by step.\n\n1. Buy two items. 2. Pay $3.\n\nThe total cost is $1.50 "
            "times 2. \\boxed{3}");
  // "21." and "1.5" are not markers either.
  EXPECT_FALSE(rewrite_path("We need 21. Then 1.5 more.\n\nAnd 2.5 again.", ours).has_value());
  ours.prefix = "Steps:\n";
  EXPECT_EQ(rewrite_path("a\n\n**1.** x\n\n**2.** y", ours), "Steps:\n**1.** x\n\n**2.** y");
}

TEST(PathRewrite, ParagraphSplitting) {
  EXPECT_EQ(split_paragraphs("a\n\n\nb\n\n  \n\nc  d"), (std::vector<std::string>{"a", "b", "c d"}));
  EXPECT_TRUE(split_paragraphs(" \n\n \t ").empty());
}

}  // namespace
}  // namespace regenesis
