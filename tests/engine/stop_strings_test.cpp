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

// What a stream may send: everything but a tail that could still grow into a stop string.
TEST(StopStrings, SettledTextHoldsBackOnlyAPossibleStopStart) {
  StopStringMatcher m({"###", "END"});
  m.append("cost: 4 #");
  EXPECT_EQ(m.settled_size(), 8u);  // "#" may start "###"
  m.append("#");
  EXPECT_EQ(m.settled_size(), 8u);  // "##" still may
  m.append("x E");
  EXPECT_EQ(m.text().substr(0, m.settled_size()), "cost: 4 ##x ");  // "E" may start "END"
  m.append("ND!");
  EXPECT_TRUE(m.stopped());
  EXPECT_EQ(m.settled_size(), m.text().size());
  EXPECT_EQ(m.text(), "cost: 4 ##x ");
  StopStringMatcher none({});
  none.append("anything #");
  EXPECT_EQ(none.settled_size(), none.text().size());
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
