// RFT: the equation extraction that decides which correct paths are the same, and the method
// through the scripted Generator: zero-shot prompts, gold match, dedup before the cap.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "pipeline/equations.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

using Strings = std::vector<std::string>;

TEST(Equations, FindsArithmeticEquationsInTheirNormalForm) {
  EXPECT_EQ(extract_equations("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = "
                              "<<48+24=72>>72 clips altogether."),
            (Strings{"48/2=24", "48+24=72"}));
  EXPECT_EQ(extract_equations("$3 \xC3\x97 4 = $12, and 12 + 1,200.50 = 1,212.50 in total"),
            (Strings{"3*4=12", "12+1200.5=1212.5"}));
  EXPECT_EQ(extract_equations("(3 + 4) \\times 2 = 14 and 5 - 8 = -3; 3 x 4 = 12; 10 \xC3\xB7 4 = 2.50"),
            (Strings{"(3+4)*2=14", "5-8=-3", "3*4=12", "10/4=2.5"}));
  EXPECT_EQ(extract_equations("2 + 3 = 5 = 5.0"), (Strings{"2+3=5"}));
  // Not equations: no operator, a variable, a unit between, a percent phrase.
  EXPECT_TRUE(extract_equations("x = 5, 3x = 15, 3 apples = 3, 20% of 50 = 10, total = 7").empty());
}

TEST(Equations, DedupKeyIsTheEquationListElseTheNormalisedText) {
  EXPECT_EQ(dedup_key("First 3 + 4 = 7.\nThen 7 * 2 = 14.", "equations"), "eq:3+4=7|7*2=14");
  EXPECT_EQ(dedup_key("We get 3+4 = 7 and then 7*2=14!", "equations"), "eq:3+4=7|7*2=14");
  EXPECT_EQ(dedup_key("It is  Yes.\n\nSo YES", "equations"), "text:it is yes. so yes");
  EXPECT_EQ(dedup_key("3 + 4 = 7", "text"), "text:3 + 4 = 7");
}

std::unique_ptr<ScriptedGenerator> rft_generator() {
  const Strings replies = {
      "3 + 4 = 7. The answer is \\boxed{7}.",
      "We add the apples: 3 + 4 = 7 apples, so \\boxed{7}",  // the same equations as c0
      "4 + 3 = 7, so he has \\boxed{7}",
      "\\boxed{8}",
      "Start with 3 and add 4: 3 + 4 = 7. Check: 7 - 4 = 3. \\boxed{7}",
  };
  auto g = std::make_unique<ScriptedGenerator>();
  g->on("Tom has 3 apples", [replies](const GenerationRequest& r) {
    for (size_t c = 0; c < replies.size(); ++c)
      if (r.id.find("/c" + std::to_string(c) + "/") != std::string::npos) return replies[c];
    return std::string("?");
  });
  return g;
}

RunConfig rft_config() {
  RunConfig config = RunConfig::defaults_for("rft");
  config.synthesis.paths = 5;
  config.filter.max_path_tokens = 0;
  config.filter.max_paths = 2;
  return config;
}

TEST(RftMethod, ZeroShotPromptsAndCorrectPathsDeduplicatedByEquationsBeforeTheCap) {
  test::TempDir dir;
  auto h = test::make_session(dir, rft_config(), {test::two_questions()[0]}, rft_generator());
  h.session->synthesize();
  ASSERT_EQ(h.generator->sent.size(), 5u);
  const auto* r = test::find_request(*h.generator, "main/q1/c3/execute");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(test::messages_of(*r),
            (std::vector<std::pair<std::string, std::string>>{
                {"system", test::kSystem}, {"user", test::kQuestionPrefix + test::two_questions()[0].question}}));

  auto summary = h.session->filter("main");
  EXPECT_EQ(summary.failed_at["match"], 1);
  EXPECT_EQ(summary.failed_at["dedup"], 1);
  EXPECT_EQ(summary.failed_at["cap"], 1);  // three distinct survivors, cap 2
  auto verdicts = h.session->store().verdicts("main");
  for (const auto& v : verdicts)
    if (v.candidate == 1 && v.gate == "dedup") EXPECT_EQ(v.detail, "same as candidate 0");
  auto kept = test::kept_candidates(h.session->store(), "main", "q1");
  ASSERT_EQ(kept.size(), 2u);
  for (int c : kept) EXPECT_TRUE(c == 0 || c == 2 || c == 4) << c;
  // Exported: the kept paths, unrewritten, in candidate order, under the training prompt.
  auto options = h.session->export_options();
  h.session->export_data(options);
  auto rows = test::read_rows(options.out);
  ASSERT_EQ(rows.size(), 2u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["meta"]["candidate"], kept[i]);
    EXPECT_EQ(rows[i]["messages"][0]["content"], test::kQuestionPrefix + test::two_questions()[0].question);
    const auto* sent = test::find_request(*h.generator, "main/q1/c" + std::to_string(kept[i]) + "/execute");
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(rows[i]["messages"][1]["content"], h.session->store().kept("main")[i].text);
  }

  // Without dedup the cap chooses among all four correct paths.
  RunConfig plain = rft_config();
  plain.rft.dedup = "none";
  plain.filter.max_paths = 0;
  test::TempDir other;
  auto p = test::make_session(other, plain, {test::two_questions()[0]}, rft_generator());
  p.session->synthesize();
  p.session->filter("main");
  EXPECT_EQ(test::kept_candidates(p.session->store(), "main", "q1"), (std::vector<int>{0, 1, 2, 4}));
}

}  // namespace
}  // namespace regenesis
