// Raw benchmark layouts -> common schema, on hand-written fixtures (tests/data/fixtures/raw_*).
#include <gtest/gtest.h>

#include <fstream>

#include "data/raw_formats.h"
#include "test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

std::filesystem::path fixture(const std::string& name) { return test::source_dir() / "tests/data/fixtures" / name; }

TEST(RawFormats, Gsm8kTakesTheTextAfterTheMarkerWithoutCommas) {
  auto qs = read_raw_questions(fixture("raw_gsm8k.jsonl"), "gsm8k", {"", "train"});
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].id, "gsm8k-train-0");
  EXPECT_EQ(qs[0].answer, "12");
  EXPECT_EQ(qs[1].answer, "1500");
  EXPECT_EQ(qs[1].answer_type, AnswerType::Number);
  EXPECT_NE(qs[1].rationale->find("#### 1,500"), std::string::npos);
}

TEST(RawFormats, MathUsesTheAnswerFieldOrTheLastBox) {
  auto qs = read_raw_questions(fixture("raw_math.jsonl"), "math");
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].answer, "\\frac{5}{6}");
  EXPECT_EQ(qs[0].answer_type, AnswerType::Math);
  EXPECT_EQ(qs[0].extra["subject"], "Prealgebra");
  EXPECT_EQ(qs[1].answer, "2");
  EXPECT_EQ(qs[1].extra["unique_id"], "test/algebra/9999.json");
}

TEST(RawFormats, ArcLettersChoicesByPosition) {
  auto qs = read_raw_questions(fixture("raw_arc.jsonl"), "arc", {"arc_challenge", "test"});
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].id, "arc_challenge-test-0");
  EXPECT_EQ(qs[0].answer, "B");
  EXPECT_EQ(qs[0].choices[1], "(B) oxygen");
  EXPECT_EQ(qs[0].extra["orig_id"], "Hand_1");
  EXPECT_EQ(qs[1].answer, "A");  // numeric label "1" is the first choice
  EXPECT_EQ(qs[1].choices.size(), 3u);
  EXPECT_EQ(qs[1].extra["orig_labels"], nlohmann::json({"1", "2", "3"}));
}

TEST(RawFormats, StrategyQaBooleansAndBigBenchScores) {
  auto qs = read_raw_questions(fixture("raw_strategyqa.json"), "strategyqa");
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].answer, "no");
  EXPECT_EQ(qs[1].answer, "yes");
  EXPECT_EQ(qs[0].rationale, "Goldfish live in water. Driving needs hands.");
  EXPECT_EQ(qs[0].extra["orig_id"], "h1");
  auto bb = read_raw_questions(fixture("raw_strategyqa_bigbench.json"), "strategyqa");
  ASSERT_EQ(bb.size(), 1u);
  EXPECT_EQ(bb[0].answer, "yes");
  EXPECT_EQ(bb[0].rationale, "Ice is frozen water and steam is boiling water.");
}

TEST(RawFormats, NumGlueNumbersDatesAndPassages) {
  auto qs = read_raw_questions(fixture("raw_numglue.json"), "numglue");
  ASSERT_EQ(qs.size(), 4u);
  EXPECT_EQ(qs[0].answer, "52");
  EXPECT_EQ(qs[0].answer_type, AnswerType::Number);
  EXPECT_EQ(qs[1].answer, "8");
  EXPECT_EQ(qs[1].question, "The team won 3 games in March and 5 games in April.\nHow many games did the team win?");
  EXPECT_EQ(qs[2].answer, "12 October 1922");
  EXPECT_EQ(qs[2].answer_type, AnswerType::Text);
  EXPECT_EQ(qs[3].answer, "June");
  EXPECT_EQ(qs[3].extra["numglue_type"], "Type_8");
}

TEST(RawFormats, ReclorOptionsAndLabel) {
  auto qs = read_raw_questions(fixture("raw_reclor.json"), "reclor", {"", "validation"});
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].question, "All cats are mammals. Tom is a cat.\n\nWhich conclusion follows?");
  EXPECT_EQ(qs[0].answer, "A");
  EXPECT_EQ(qs[0].choices[3], "(D) Tom is not a mammal.");
}

TEST(RawFormats, SvampAndAsdivJoinBodyAndQuestion) {
  auto sv = read_raw_questions(fixture("raw_svamp.json"), "svamp");
  ASSERT_EQ(sv.size(), 2u);
  EXPECT_EQ(sv[0].question, "There are 87 oranges in 3 boxes equally. How many oranges are in each box?");
  EXPECT_EQ(sv[0].answer, "29");
  EXPECT_EQ(sv[1].answer, "5");
  EXPECT_EQ(sv[0].extra["equation"], "( 87.0 / 3.0 )");
  auto as = read_raw_questions(fixture("raw_asdiv.jsonl"), "asdiv");
  ASSERT_EQ(as.size(), 2u);
  EXPECT_EQ(as[0].answer, "9");  // "9 (apples)" loses its unit
  EXPECT_EQ(as[0].extra["original_answer"], "9 (apples)");
  EXPECT_EQ(as[1].answer, "Bryan");
  EXPECT_EQ(as[1].answer_type, AnswerType::Text);
}

TEST(RawFormats, AquaOptionsBecomeLabelledChoices) {
  auto qs = read_raw_questions(fixture("raw_aqua.jsonl"), "aqua");
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].choices, (std::vector<std::string>{"(A) 20", "(B) 30", "(C) 35", "(D) 40", "(E) 45"}));
  EXPECT_EQ(qs[0].answer, "B");
}

TEST(RawFormats, BbhTargetsAndOptionsFromTheInput) {
  auto qs = read_raw_questions(fixture("raw_bbh.json"), "bbh");
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].task, "bbh_raw_bbh");
  EXPECT_EQ(qs[0].answer, "C");
  EXPECT_EQ(qs[0].choices, (std::vector<std::string>{"(A) red ball", "(B) green ball", "(C) blue ball"}));
  EXPECT_EQ(qs[0].extra["target"], "(C)");
  EXPECT_EQ(qs[1].answer_type, AnswerType::Text);  // not a lettered task
  EXPECT_EQ(qs[1].answer, "no");
}

TEST(RawFormats, AnliLabelsInEverySpelling) {
  auto qs = read_raw_questions(fixture("raw_anli.jsonl"), "anli");
  ASSERT_EQ(qs.size(), 3u);
  EXPECT_EQ(qs[0].answer, "A");
  EXPECT_EQ(qs[1].answer, "C");
  EXPECT_EQ(qs[2].answer, "B");
  EXPECT_EQ(qs[0].choices, (std::vector<std::string>{"(A) entailment", "(B) neutral", "(C) contradiction"}));
  EXPECT_EQ(qs[0].rationale, "It slept there.");
  EXPECT_FALSE(qs[1].rationale.has_value());
  EXPECT_NE(qs[0].question.find("Hypothesis: The cat was on the mat."), std::string::npos);
}

TEST(RawFormats, ErrorsNameTheRecordAndField) {
  test::TempDir dir;
  auto jsonl = dir / "bad.jsonl";
  std::ofstream(jsonl) << R"({"question": "q", "answer": "12"})" << "\n";
  try {
    read_raw_questions(jsonl, "gsm8k");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jsonl:1: field 'answer' has no '####'"), std::string::npos) << e.what();
  }
  auto array = dir / "bad.json";
  std::ofstream(array) << R"([{"premise": "p", "hypothesis": "h", "label": "maybe"}])";
  try {
    read_raw_questions(array, "anli");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: record 0: field 'label'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_raw_questions(jsonl, "no_such_format"), Error);
  EXPECT_EQ(raw_format_names().size(), 12u);
}

}  // namespace
}  // namespace regenesis
