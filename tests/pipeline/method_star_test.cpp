// STaR through the scripted Generator: the exact few-shot prompts (checked against the prompt
// files read here, not through CotPromptSet), the gold-match selection, rationalization of the
// unsolved question with the gold answer as a hint, the hint-echo gate, and an export with no
// hint text in it.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

const std::string kQ1Right = "Tom has 3 apples and buys 4.\n3 + 4 = 7.\nThe answer is \\boxed{7}.";
const std::string kQ1Wrong = "3 + 5 = 8.\nThe answer is \\boxed{8}.";
const std::string kQ2Wrong = "6 + 5 = 11.\nThe answer is \\boxed{11}.";
const std::string kQ2Rationalized = "Each box has 6 eggs.\n6 * 5 = 30.\nThe answer is \\boxed{30}.";
const std::string kQ2Leaning = "The hint says 30, so the answer is \\boxed{30}.";

std::unique_ptr<ScriptedGenerator> star_generator() {
  auto g = std::make_unique<ScriptedGenerator>();
  g->on("Hint: the correct final answer is", [](const GenerationRequest& r) {
    return r.id.find("/c0/") != std::string::npos ? kQ2Rationalized : kQ2Leaning;
  });
  g->on("Tom has 3 apples", [](const GenerationRequest& r) {
    return r.id.find("/c1/") != std::string::npos ? kQ1Wrong : kQ1Right;
  });
  g->on("A box holds 6 eggs", kQ2Wrong);
  return g;
}

RunConfig star_config() {
  RunConfig config = RunConfig::defaults_for("star");
  config.synthesis.paths = 3;
  config.star.rationalize_paths = 2;
  config.filter.max_path_tokens = 0;
  return config;
}

TEST(StarMethod, FewShotPromptsGoldSelectionRationalizationAndAHintFreeExport) {
  test::TempDir dir;
  auto h = test::make_session(dir, star_config(), test::two_questions(), star_generator());
  RunSession& session = *h.session;
  auto counts = session.synthesize();
  EXPECT_EQ(counts.requests_sent, 2 * 3);

  // The main prompt: system, the four worked examples of number.jsonl as user/assistant turns,
  // then the question, every user turn the question template.
  const auto examples = test::worked_examples("number");
  ASSERT_EQ(examples.size(), 4u);
  const QuestionRow q1 = test::two_questions()[0], q2 = test::two_questions()[1];
  const auto* r = test::find_request(*h.generator, "main/q1/c2/execute");
  ASSERT_NE(r, nullptr);
  std::vector<ChatMessage> expected = {{"system", test::kSystem}};
  for (const auto& e : examples) {
    expected.push_back({"user", test::kQuestionPrefix + e.question});
    expected.push_back({"assistant", e.rationale});
  }
  expected.push_back({"user", test::kQuestionPrefix + q1.question});
  EXPECT_EQ(test::messages_of(*r), test::messages_text(expected));
  for (const auto& sent : h.generator->sent) {
    EXPECT_DOUBLE_EQ(sent.params.temperature, 0.7);  // the CoT baselines' sampling
    EXPECT_DOUBLE_EQ(sent.params.top_p, 1.0);
    EXPECT_EQ(sent.params.seed, request_seed(0, sent.id));
  }

  auto main = session.filter("main");
  EXPECT_EQ(main.paths, 6);
  EXPECT_EQ(main.kept, 2);
  EXPECT_EQ(main.failed_at["match"], 4);
  auto kept = session.store().kept("main");
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].candidate, 0);
  EXPECT_EQ(kept[1].candidate, 2);
  EXPECT_EQ(kept[0].text, kQ1Right);  // no step rewrite for a plain CoT

  // Rationalization: q2 only, two samples, the gold answer in its turn and in every example's.
  size_t before = h.generator->sent.size();
  auto rescue = session.rescue();
  EXPECT_EQ(rescue.unsolved, 1);
  EXPECT_EQ(rescue.synthesis.requests_sent, 2);
  ASSERT_EQ(h.generator->sent.size(), before + 2);
  const auto* hint = test::find_request(*h.generator, "hint/q2/c1/execute");
  ASSERT_NE(hint, nullptr);
  std::vector<ChatMessage> hinted = {{"system", test::kSystem}};
  for (const auto& e : examples) {
    hinted.push_back({"user", test::kQuestionPrefix + e.question + test::hint_line(e.answer)});
    hinted.push_back({"assistant", e.rationale});
  }
  hinted.push_back({"user", test::kQuestionPrefix + q2.question + test::hint_line("30")});
  EXPECT_EQ(test::messages_of(*hint), test::messages_text(hinted));
  EXPECT_EQ(rescue.filter.kept, 1);
  EXPECT_EQ(rescue.filter.failed_at["hint_echo"], 1);  // the rationale that leans on the hint

  auto options = session.export_options();
  auto exported = session.export_data(options);
  EXPECT_EQ(exported.rows, 2);
  EXPECT_EQ(exported.duplicates, 1);  // q1's two right paths are the same text
  auto rows = test::read_rows(options.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["meta"]["question_id"], "q1");
  EXPECT_EQ(rows[0]["meta"]["stage"], "main");
  EXPECT_EQ(rows[1]["meta"]["question_id"], "q2");
  EXPECT_EQ(rows[1]["meta"]["stage"], "rescue");
  EXPECT_EQ(rows[1]["messages"][0]["content"], test::kQuestionPrefix + q2.question);
  EXPECT_EQ(rows[1]["messages"][1]["content"], kQ2Rationalized);
  std::string text = read_file(options.out);
  for (const char* leak : {"Hint", "hint", "correct final answer", "as if you had found"})
    EXPECT_EQ(text.find(leak), std::string::npos) << leak;
}

TEST(StarMethod, RationalizationOffAndResumeSendNothingTwice) {
  RunConfig config = star_config();
  config.rescue.enabled = false;
  test::TempDir dir;
  {
    auto crashing = star_generator();
    crashing->fail_after = 4;
    auto h = test::make_session(dir, config, test::two_questions(), std::move(crashing));
    EXPECT_THROW(h.session->synthesize(), Error);
  }
  auto h = test::make_session(dir, config, test::two_questions(), star_generator());
  auto counts = h.session->synthesize();
  EXPECT_EQ(counts.already_done, 4);
  EXPECT_EQ(counts.requests_sent, 2);
  EXPECT_FALSE(h.session->method().has_rescue());
  EXPECT_EQ(h.session->rescue().synthesis.requests_sent, 0);
  EXPECT_EQ(h.generator->sent.size(), 2u);
}

}  // namespace
}  // namespace regenesis
