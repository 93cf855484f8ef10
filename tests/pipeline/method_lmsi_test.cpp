// LMSI through the scripted Generator: few-shot prompts, majority vote over the extracted
// answers (equivalent answers vote together, ties go to the earliest answer), exactly the
// majority paths kept, the pseudo-label quality reported, and the gold answer never used to
// select.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "pipeline/majority_vote.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

std::vector<QuestionRow> three_questions() {
  auto qs = test::two_questions();
  qs.push_back(test::make_question("q3", "How many legs do 2 cats have?", "8", 2));
  return qs;
}

// Replies per question, by candidate.
const std::map<std::string, std::vector<std::string>> kReplies = {
    // 7 wins with three votes ("7.0" is the same number); c3 gives no answer, c1 another one.
    {"Tom has 3 apples",
     {"3 + 4 = 7. \\boxed{7}", "\\boxed{8}", "So 7.0 apples: \\boxed{7.0}", "I am not sure.", "\\boxed{7}"}},
    // 30 and 11 tie with two votes each; 30 came first.
    {"A box holds 6 eggs", {"\\boxed{30}", "\\boxed{11}", "\\boxed{11}", "6 * 5 = \\boxed{30}", "\\boxed{12}"}},
    // 6 and 8 tie; the wrong 6 came first, so the pseudo label is wrong.
    {"2 cats", {"\\boxed{6}", "\\boxed{8}", "\\boxed{6}", "\\boxed{8}", "no idea"}},
};

std::unique_ptr<ScriptedGenerator> lmsi_generator() {
  auto g = std::make_unique<ScriptedGenerator>();
  for (const auto& [pattern, replies] : kReplies) {
    g->on(pattern, [replies](const GenerationRequest& r) {
      for (size_t c = 0; c < replies.size(); ++c)
        if (r.id.find("/c" + std::to_string(c) + "/") != std::string::npos) return replies[c];
      return std::string("unexpected candidate");
    });
  }
  return g;
}

RunConfig lmsi_config() {
  RunConfig config = RunConfig::defaults_for("lmsi");
  config.synthesis.paths = 5;
  config.filter.max_path_tokens = 0;
  config.filter.max_paths = 0;  // no cap: every majority path stays
  return config;
}

TEST(MajorityVote, EquivalentAnswersVoteTogetherAndTiesGoToTheEarliest) {
  auto same = [](const std::string& a, const std::string& b) { return a == b; };
  auto v = majority_vote({std::string("b"), std::nullopt, std::string("a"), std::string("a"), std::string("b")}, same);
  EXPECT_EQ(v.majority, "b");  // 2-2 tie: "b" first appeared at index 0
  EXPECT_EQ(v.votes, 2);
  EXPECT_EQ(v.voters, 4);
  EXPECT_EQ(v.group, (std::vector<int>{0, -1, 1, 1, 0}));
  EXPECT_TRUE(v.agrees(4));
  EXPECT_FALSE(v.agrees(1));
  auto w = majority_vote({std::string("b"), std::string("a"), std::string("a")}, same);
  EXPECT_EQ(w.majority, "a");
  auto none = majority_vote({std::nullopt, std::nullopt}, same);
  EXPECT_EQ(none.winner, -1);
  EXPECT_FALSE(none.agrees(0));
}

TEST(LmsiMethod, KeepsExactlyTheMajorityPathsAndReportsPseudoLabelQuality) {
  test::TempDir dir;
  auto h = test::make_session(dir, lmsi_config(), three_questions(), lmsi_generator());
  h.session->synthesize();
  EXPECT_EQ(h.generator->sent.size(), 15u);

  // Few-shot prompt as STaR's, without any hint.
  const auto examples = test::worked_examples("number");
  std::vector<ChatMessage> expected = {{"system", test::kSystem}};
  for (const auto& e : examples) {
    expected.push_back({"user", test::kQuestionPrefix + e.question});
    expected.push_back({"assistant", e.rationale});
  }
  expected.push_back({"user", test::kQuestionPrefix + three_questions()[2].question});
  const auto* r = test::find_request(*h.generator, "main/q3/c4/execute");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(test::messages_of(*r), test::messages_text(expected));

  auto summary = h.session->filter("main");
  RunStore& store = h.session->store();
  EXPECT_EQ(test::kept_candidates(store, "main", "q1"), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(test::kept_candidates(store, "main", "q2"), (std::vector<int>{0, 3}));
  EXPECT_EQ(test::kept_candidates(store, "main", "q3"), (std::vector<int>{0, 2}));  // wrong, as voted
  EXPECT_EQ(summary.kept, 7);
  EXPECT_EQ(summary.pseudo_labels, 3);
  EXPECT_EQ(summary.pseudo_labels_correct, 2);
  EXPECT_EQ(summary.failed_at["vote"], 6);
  EXPECT_EQ(summary.failed_at["boxed"], 2);  // "I am not sure." and "no idea"
  EXPECT_NE(filter_report("main", summary).find("majority answer = gold for 2/3 questions"), std::string::npos);
  bool saw_vote_detail = false;
  for (const auto& v : store.verdicts("main"))
    if (v.question_id == "q1" && v.candidate == 1 && v.gate == "vote") {
      EXPECT_FALSE(v.passed);
      EXPECT_EQ(v.detail, "8 (majority 7, 3/4 votes)");
      saw_vote_detail = true;
    }
  EXPECT_TRUE(saw_vote_detail);
  auto stored = Json::parse(*store.meta("pseudo_labels"));
  EXPECT_EQ(stored["questions"], 3);
  EXPECT_EQ(stored["majority_correct"], 2);

  // The export: the majority paths as written, q3's two identical ones once.
  auto options = h.session->export_options();
  auto exported = h.session->export_data(options);
  EXPECT_EQ(exported.duplicates, 1);
  auto rows = test::read_rows(options.out);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& row : rows) {
    got.emplace_back(row["meta"]["question_id"], row["messages"][1]["content"]);
    EXPECT_EQ(row["messages"][0]["content"].get<std::string>().rfind(test::kQuestionPrefix, 0), 0u);
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"q1", kReplies.at("Tom has 3 apples")[0]}, {"q1", kReplies.at("Tom has 3 apples")[2]},
                     {"q1", kReplies.at("Tom has 3 apples")[4]}, {"q2", kReplies.at("A box holds 6 eggs")[0]},
                     {"q2", kReplies.at("A box holds 6 eggs")[3]}, {"q3", kReplies.at("2 cats")[0]}}));
}

TEST(LmsiMethod, GoldAnswersDoNotChangeWhatIsKept) {
  auto questions = three_questions();
  for (auto& q : questions) q.answer = "999";
  test::TempDir dir;
  auto h = test::make_session(dir, lmsi_config(), questions, lmsi_generator());
  h.session->synthesize();
  auto summary = h.session->filter("main");
  RunStore& store = h.session->store();
  EXPECT_EQ(test::kept_candidates(store, "main", "q1"), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(test::kept_candidates(store, "main", "q2"), (std::vector<int>{0, 3}));
  EXPECT_EQ(test::kept_candidates(store, "main", "q3"), (std::vector<int>{0, 2}));
  EXPECT_EQ(summary.pseudo_labels_correct, 0);
}

TEST(LmsiMethod, RefusesTheSelfJudgeWhichSeesTheGoldAnswer) {
  RunConfig config = lmsi_config();
  config.filter.self_judge = true;
  test::TempDir dir;
  EXPECT_THROW(test::make_session(dir, config, three_questions(), lmsi_generator()), Error);
}

}  // namespace
}  // namespace regenesis
