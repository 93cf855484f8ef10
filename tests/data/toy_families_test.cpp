// The toy families: gold answers against independent answer keys (toy_evaluators.h), gold
// solutions graded by text/answer.h, the solution format the filter relies on, determinism.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "data/toy_families.h"
#include "test_support.h"
#include "text/answer.h"
#include "text/answer_choice.h"
#include "toy_evaluators.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

constexpr int kPerFamily = 300;

TEST(ToyFamilies, SplitsAndNames) {
  std::set<std::string> in, out;
  for (const auto* f : toy_families_of(ToySplit::In)) in.insert(f->name);
  for (const auto* f : toy_families_of(ToySplit::Out)) out.insert(f->name);
  EXPECT_EQ(in, (std::set<std::string>{"arith_chain", "compare", "counting"}));
  EXPECT_EQ(out, (std::set<std::string>{"long_chain", "money", "time", "ordering", "yesno_facts"}));
  EXPECT_EQ(toy_family("money").answer_type, AnswerType::Number);
  EXPECT_EQ(toy_family("ordering").answer_type, AnswerType::Choice);
  EXPECT_EQ(toy_family("yesno_facts").answer_type, AnswerType::YesNo);
  try {
    toy_family("algebra");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("arith_chain"), std::string::npos) << e.what();
  }
}

TEST(ToyFamilies, GoldAnswersMatchAnIndependentEvaluation) {
  for (const auto& family : toy_families()) {
    for (int i = 0; i < kPerFamily; ++i) {
      const Question q = make_toy_problem(family, 11, static_cast<uint64_t>(i)).question;
      auto expected = toy_test::independent_answer(q);
      ASSERT_TRUE(expected) << family.name << ": cannot read " << q.question;
      EXPECT_TRUE(answers_match(*expected, q.answer, q.answer_type, q.choices))
          << family.name << ": gold " << q.answer << ", independent " << *expected << "\n" << q.question;
    }
  }
}

TEST(ToyFamilies, OrderingPuzzlesHaveExactlyOneSolution) {
  for (int i = 0; i < kPerFamily; ++i) {
    const Question q = make_toy_problem(toy_family("ordering"), 5, static_cast<uint64_t>(i)).question;
    EXPECT_EQ(toy_test::consistent_orders(q.question), 1) << q.question;
    EXPECT_GE(q.choices.size(), 3u);
    EXPECT_LE(q.choices.size(), 5u);
  }
}

TEST(ToyFamilies, ChainLengthsPerSplit) {
  std::set<int> in_lengths, out_lengths;
  for (int i = 0; i < kPerFamily; ++i) {
    int ops = 0;
    ASSERT_TRUE(toy_test::chain_expression(make_toy_problem(toy_family("arith_chain"), 3, i).question.question, &ops));
    in_lengths.insert(ops);
    ASSERT_TRUE(toy_test::chain_expression(make_toy_problem(toy_family("long_chain"), 3, i).question.question, &ops));
    out_lengths.insert(ops);
  }
  EXPECT_EQ(in_lengths, (std::set<int>{2, 3, 4}));
  EXPECT_EQ(out_lengths, (std::set<int>{5, 6}));
}

TEST(ToyFamilies, GoldSolutionsGradeCorrect) {
  for (const auto& family : toy_families()) {
    int correct = 0;
    for (int i = 0; i < kPerFamily; ++i) {
      const Question q = make_toy_problem(family, 7, static_cast<uint64_t>(i)).question;
      ASSERT_TRUE(q.rationale);
      Verdict v = grade_completion(*q.rationale, q.answer, q.answer_type, q.choices);
      if (v.correct) ++correct;
      else ADD_FAILURE() << family.name << ": " << *q.rationale << "\ngold " << q.answer;
    }
    EXPECT_EQ(correct, kPerFamily) << family.name;
  }
}

// The shape the filter's step rewrite keeps unchanged: "Let's think step by step.", then one
// paragraph per numbered step, then the boxed answer; and no step text with a bare number before
// a period, which the rewrite would take for a list marker.
TEST(ToyFamilies, SolutionsAreNumberedParagraphsEndingInABox) {
  const std::regex bare_number_period(R"([0-9]\.(\s|$))");
  for (const auto& family : toy_families()) {
    for (int i = 0; i < 100; ++i) {
      const ToyProblem p = make_toy_problem(family, 9, static_cast<uint64_t>(i));
      const std::vector<std::string> paragraphs = [&] {
        std::vector<std::string> out;
        std::string text = *p.question.rationale;
        size_t start = 0, pos;
        while ((pos = text.find("\n\n", start)) != std::string::npos) {
          out.push_back(text.substr(start, pos - start));
          start = pos + 2;
        }
        out.push_back(text.substr(start));
        return out;
      }();
      ASSERT_EQ(paragraphs.size(), static_cast<size_t>(p.step_count) + 2) << *p.question.rationale;
      EXPECT_EQ(paragraphs.front(), "Let's think step by step.");
      // A choice question's box names the chosen option's text ("Tom"), which the grader maps to its letter.
      const std::string boxed = p.question.answer_type == AnswerType::Choice
                                    ? choice_body(p.question.choices.at(static_cast<size_t>(p.question.answer[0] - 'A')))
                                    : p.question.answer;
      EXPECT_EQ(paragraphs.back(), "The answer is \\boxed{" + boxed + "}.");
      for (int k = 1; k <= p.step_count; ++k) {
        const std::string& para = paragraphs[static_cast<size_t>(k)];
        const std::string marker = std::to_string(k) + ". ";
        ASSERT_EQ(para.rfind(marker, 0), 0u) << para;
        EXPECT_EQ(para.find('\n'), std::string::npos) << para;
        EXPECT_FALSE(std::regex_search(para.substr(marker.size()), bare_number_period)) << family.name << ": " << para;
      }
    }
  }
}

TEST(ToyFamilies, SameSeedSameQuestionsAndItemsDoNotDependOnN) {
  const auto families = toy_families_of(ToySplit::Out);
  auto a = generate_toy_questions(families, 40, 123);
  auto b = generate_toy_questions(families, 40, 123);
  auto prefix = generate_toy_questions(families, 15, 123);
  auto other = generate_toy_questions(families, 40, 124);
  ASSERT_EQ(a.size(), 40u);
  int differ = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(question_to_json(a[i]), question_to_json(b[i]));
    if (i < prefix.size()) EXPECT_EQ(question_to_json(a[i]), question_to_json(prefix[i]));
    if (a[i].question != other[i].question) ++differ;
    EXPECT_EQ(a[i].task, families[i % families.size()]->name);  // round robin
    ids.insert(a[i].id);
  }
  EXPECT_EQ(ids.size(), a.size());
  EXPECT_GT(differ, 30);
}

TEST(ToyFamilies, QuestionsPassTheSchemaChecks) {
  auto questions = generate_toy_questions(toy_families_of(ToySplit::In), 60, 1);
  for (const auto& q : questions) {
    Question again = question_from_json(question_to_json(q));  // validates gold vs type/choices
    EXPECT_EQ(again.answer, q.answer);
    if (q.answer_type == AnswerType::Choice)
      for (const auto& choice : q.choices)  // the options are listed in the question text
        EXPECT_NE(q.question.find(choice), std::string::npos) << q.question;
  }
}

TEST(ToyFamilies, SmallVocabulary) {
  // Every word of every in-domain question comes from a small set (a tiny model can learn it).
  std::set<std::string> words;
  auto questions = generate_toy_questions(toy_families_of(ToySplit::In), 3000, 2);
  const std::regex word(R"([A-Za-z']+)");
  for (const auto& q : questions) {
    const std::string text = q.question + " " + *q.rationale;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it)
      words.insert(it->str());
  }
  EXPECT_LT(words.size(), 150u) << join(std::vector<std::string>(words.begin(), words.end()), " ");
}

}  // namespace
}  // namespace regenesis
