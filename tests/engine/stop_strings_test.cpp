#include "engine/stop_strings.h"

#include <gtest/gtest.h>

namespace regenesis {
namespace {

TEST(StopStrings, FindsAStopStringSplitAcrossPieces) {
  StopStringMatcher m({"###"});
  EXPECT_FALSE(m.append("The answer is 4 #"));
  EXPECT_FALSE(m.append("#"));
  EXPECT_TRUE(m.append("# and more"));
  EXPECT_EQ(m.text(), "The answer is 4 ");
  EXPECT_TRUE(m.stopped());
}

TEST(StopStrings, CutsAtTheEarliestOfSeveralStops) {
  StopStringMatcher m({"world", "lo w"});
  EXPECT_TRUE(m.append("hello world"));
  EXPECT_EQ(m.text(), "hel");
}

TEST(StopStrings, KeepsTextWithoutStopsAndIgnoresAppendsAfterStopping) {
  StopStringMatcher none({});
  EXPECT_FALSE(none.append("a"));
  EXPECT_FALSE(none.append("bc"));
  EXPECT_EQ(none.text(), "abc");

  StopStringMatcher m({"\n\n", ""});  // an empty stop string is ignored
  EXPECT_FALSE(m.append("line one\n"));
  EXPECT_TRUE(m.append("\nline two"));
  EXPECT_TRUE(m.append("more"));
  EXPECT_EQ(m.text(), "line one");
}

TEST(StopStrings, AStopAtTheVeryStartLeavesNothing) {
  StopStringMatcher m({"Q:"});
  EXPECT_TRUE(m.append("Q: next"));
  EXPECT_EQ(m.text(), "");
}

}  // namespace
}  // namespace regenesis
