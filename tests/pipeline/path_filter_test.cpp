// The filter gates on hand-made paths: order, verdicts, the cap's seeded choice, the self-judge
// rule and the hint-echo gate.
#include <gtest/gtest.h>

#include <set>

#include "pipeline/path_filter.h"
#include "pipeline_fixture.h"

namespace regenesis {
namespace {

PathRecord make_path(int candidate, std::string text, std::string mode = "main") {
  PathRecord p;
  p.question_id = "q1";
  p.mode = std::move(mode);
  p.candidate = candidate;
  p.path = std::move(text);
  return p;
}

const std::string kGood = "Plan first.\n\n1. Tom starts with 3.\n\n2. He buys 4, so 3 + 4 = 7.\n\n\\boxed{7}";

// "pass", "fail", or "-" when the gate was not reached (a second verdict would show as both).
std::string gate(const QuestionFilterResult& r, int candidate, const std::string& name) {
  std::string out;
  for (const auto& v : r.verdicts)
    if (v.candidate == candidate && v.gate == name) out += v.passed ? "pass" : "fail";
  return out.empty() ? "-" : out;
}

TEST(PathFilter, GatesRunInOrderAndStopAtTheFirstFailure) {
  FilterSettings settings;
  settings.max_path_tokens = 30;
  auto q = test::two_questions()[0];
  std::vector<PathRecord> paths = {
      make_path(0, kGood),
      make_path(1, "The answer is 7."),                                  // no "boxed"
      make_path(2, "1. a\n\n2. b\n\n\\boxed{8}"),                        // wrong answer
      make_path(3, ""),                                                  // too long
      make_path(4, "Just \\boxed{7} without steps."),                    // rewrite drops it
  };
  std::string words;
  for (int i = 0; i < 40; ++i) words += "word ";
  paths[3].path = "Intro\n\n1. " + words + "\n\n2. So 3 + 4 = 7. \\boxed{7}";
  auto r = filter_question(settings, q, paths, {}, make_answer_matcher("typed"), test::word_count);
  EXPECT_EQ(gate(r, 0, "boxed"), "pass");
  EXPECT_EQ(gate(r, 0, "match"), "pass");
  EXPECT_EQ(gate(r, 0, "length"), "pass");
  EXPECT_EQ(gate(r, 0, "rewrite"), "pass");
  EXPECT_EQ(gate(r, 0, "cap"), "pass");
  EXPECT_EQ(gate(r, 1, "boxed"), "fail");
  EXPECT_EQ(gate(r, 1, "match"), "-");
  EXPECT_EQ(gate(r, 2, "match"), "fail");
  EXPECT_EQ(gate(r, 2, "length"), "-");
  EXPECT_EQ(gate(r, 3, "length"), "fail");
  EXPECT_EQ(gate(r, 4, "rewrite"), "fail");
  EXPECT_EQ(gate(r, 0, "judge"), "-");  // self-judge off by default
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].candidate, 0);
  EXPECT_EQ(r.kept[0].text, "Let's think step by step.\n\n1. Tom starts with 3.\n\n2. He buys 4, so 3 + 4 = 7.\n\n\\boxed{7}");
  // The length verdict records the count it compared.
  for (const auto& v : r.verdicts)
    if (v.candidate == 0 && v.gate == "length") EXPECT_EQ(v.detail, std::to_string(test::word_count(kGood)));
}

TEST(PathFilter, PaperMatcherRejectsWhatTypedAccepts) {
  auto q = test::make_question("b1", "Is the sky blue?", "yes", 0, "yesno");
  std::vector<PathRecord> paths = {make_path(0, "1. Look up.\n\n2. It is blue.\n\n\\boxed{Yes}")};
  FilterSettings settings;
  settings.max_path_tokens = 0;
  auto typed = filter_question(settings, q, paths, {}, make_answer_matcher("typed"), test::word_count);
  auto paper = filter_question(settings, q, paths, {}, make_answer_matcher("paper"), test::word_count);
  EXPECT_EQ(typed.kept.size(), 1u);
  EXPECT_TRUE(paper.kept.empty());  // the released matcher needs a digit in the box
  EXPECT_THROW(make_answer_matcher("fuzzy"), Error);
}

TEST(PathFilter, CapChoosesASeededSubsetInCandidateOrder) {
  auto q = test::two_questions()[0];
  std::vector<PathRecord> paths;
  for (int c = 0; c < 12; ++c) paths.push_back(make_path(c, kGood + " (variant " + std::to_string(c) + ")"));
  FilterSettings settings;
  settings.max_path_tokens = 0;
  settings.max_paths = 5;
  auto chosen = [&](uint64_t seed) {
    settings.seed = seed;
    auto r = filter_question(settings, q, paths, {}, make_answer_matcher("typed"), test::word_count);
    std::vector<int> out;
    for (const auto& k : r.kept) out.push_back(k.candidate);
    int capped = 0;
    for (const auto& v : r.verdicts) capped += v.gate == "cap" && !v.passed;
    EXPECT_EQ(capped, 7);
    return out;
  };
  auto first = chosen(1);
  ASSERT_EQ(first.size(), 5u);
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
  EXPECT_EQ(chosen(1), first);  // same seed, same choice
  std::set<std::vector<int>> distinct;
  for (uint64_t s = 0; s < 20; ++s) distinct.insert(chosen(s));
  EXPECT_GT(distinct.size(), 5u);  // the seed matters
  settings.max_paths = 0;
  settings.seed = 1;
  auto all = filter_question(settings, q, paths, {}, make_answer_matcher("typed"), test::word_count);
  EXPECT_EQ(all.kept.size(), 12u);
}

TEST(PathFilter, SelfJudgeLooksForYesInTheFirstTwentyCharacters) {
  EXPECT_TRUE(judge_says_yes("Yes, the solution is correct."));
  EXPECT_TRUE(judge_says_yes("The answer: YES"));
  EXPECT_FALSE(judge_says_yes("The solution is right, yes."));  // "yes" after 20 characters
  EXPECT_FALSE(judge_says_yes("No."));
  // Twenty code points, not bytes: 18 two-byte letters then "yes" fits in the window.
  std::string accented;
  for (int i = 0; i < 17; ++i) accented += "\xC3\xA9";
  EXPECT_TRUE(judge_says_yes(accented + "yes"));
  EXPECT_FALSE(judge_says_yes(accented + "xyes"));

  auto q = test::two_questions()[0];
  std::vector<PathRecord> paths = {make_path(0, kGood), make_path(1, kGood + " "), make_path(2, kGood + "  ")};
  StoredOutputs outputs;
  outputs[{0, "judge"}].text = "Yes.";
  outputs[{1, "judge"}].text = "No, it is wrong.";
  FilterSettings settings;
  settings.self_judge = true;
  settings.max_path_tokens = 0;
  auto r = filter_question(settings, q, paths, outputs, make_answer_matcher("typed"), test::word_count);
  EXPECT_EQ(gate(r, 0, "judge"), "pass");
  EXPECT_EQ(gate(r, 1, "judge"), "fail");
  EXPECT_EQ(gate(r, 2, "judge"), "fail");  // no judge output stored
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].candidate, 0);
}

TEST(PathFilter, HintEchoGateDropsRescuePathsThatRepeatTheHintPrompt) {
  auto fragments = hint_echo_fragments(PromptSet::builtin());
  auto has = [&](const std::string& s) {
    for (const auto& f : fragments)
      if (f.find(s) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("Without working out the solution:"));
  EXPECT_TRUE(has("You must present the solution in \\boxed{Your Answer}."));
  for (const auto& f : fragments) EXPECT_GE(f.size(), 24u) << f;

  FilterSettings settings;
  settings.max_path_tokens = 0;
  settings.hint_echo_fragments = fragments;
  auto q = test::two_questions()[0];
  std::vector<PathRecord> paths = {
      make_path(0, kGood, "hint"),
      make_path(1, "Hm.\n\n1. Without working out the solution: 7, we start.\n\n2. So \\boxed{7}", "hint"),
      make_path(2, "Hm.\n\n1. Without working out the solution: 7, we start.\n\n2. So \\boxed{7}", "main"),
  };
  auto r = filter_question(settings, q, {paths[0], paths[1]}, {}, make_answer_matcher("typed"), test::word_count);
  EXPECT_EQ(gate(r, 0, "hint_echo"), "pass");
  EXPECT_EQ(gate(r, 1, "hint_echo"), "fail");
  ASSERT_EQ(r.kept.size(), 1u);
  // Main paths never see the hint gate.
  auto main = filter_question(settings, q, {paths[2]}, {}, make_answer_matcher("typed"), test::word_count);
  EXPECT_EQ(main.kept.size(), 1u);
}

}  // namespace
}  // namespace regenesis
