// The common question schema: loading, validation errors with file:line and field, round trips.
#include <gtest/gtest.h>

#include <fstream>

#include "data/question.h"
#include "test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

std::filesystem::path write(const test::TempDir& dir, const std::string& name, const std::string& text) {
  auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

// The Error message of load_questions on `text`, or "" when it loads.
std::string load_error(const std::string& text) {
  test::TempDir dir;
  auto path = write(dir, "bad.jsonl", text);
  try {
    load_questions(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kGood =
    R"({"id": "q-0", "question": "2+2?", "answer": "4", "answer_type": "number", "task": "toy", "rationale": "2+2=4", "source": "hand"})"
    "\n\n"
    R"({"id": "q-1", "question": "Pick", "answer": "B", "answer_type": "choice", "choices": ["(A) x", "(B) y"], "task": "toy"})"
    "\n"
    R"({"id": "q-2", "question": "Sky blue?", "answer": "yes", "answer_type": "yesno", "task": "toy"})"
    "\n";

TEST(Questions, LoadsTheSchemaAndKeepsExtras) {
  test::TempDir dir;
  auto qs = load_questions(write(dir, "good.jsonl", kGood));
  ASSERT_EQ(qs.size(), 3u);
  EXPECT_EQ(qs[0].id, "q-0");
  EXPECT_EQ(qs[0].answer_type, AnswerType::Number);
  EXPECT_EQ(qs[0].rationale, "2+2=4");
  EXPECT_EQ(qs[0].extra["source"], "hand");
  EXPECT_EQ(qs[1].choices, (std::vector<std::string>{"(A) x", "(B) y"}));
  EXPECT_FALSE(qs[1].rationale.has_value());
  EXPECT_EQ(qs[2].answer_type, AnswerType::YesNo);
  EXPECT_EQ(load_questions(dir / "good.jsonl", 2).size(), 2u);
  EXPECT_EQ(load_questions(dir / "good.jsonl", 0).size(), 0u);
}

TEST(Questions, RoundTripThroughJson) {
  test::TempDir dir;
  auto qs = load_questions(write(dir, "good.jsonl", kGood));
  save_questions(dir / "copy.jsonl", qs);
  auto again = load_questions(dir / "copy.jsonl");
  ASSERT_EQ(again.size(), qs.size());
  for (size_t k = 0; k < qs.size(); ++k) EXPECT_EQ(question_to_json(again[k]), question_to_json(qs[k]));
  EXPECT_EQ(question_to_json(qs[0])["source"], "hand");
  EXPECT_FALSE(question_to_json(qs[2]).contains("choices"));
}

TEST(Questions, BadLinesNameTheFileLineAndField) {
  auto expect_error = [](const std::string& text, const std::string& fragment) {
    std::string message = load_error(text);
    EXPECT_NE(message.find("bad.jsonl:"), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << "wanted '" << fragment << "' in: " << message;
  };
  std::string ok = R"({"id": "a", "question": "q", "answer": "1", "answer_type": "number"})";
  expect_error(ok + "\n{not json\n", "bad.jsonl:2: invalid JSON");
  expect_error(ok + "\n" + R"({"question": "q", "answer": "1", "answer_type": "number"})" + "\n", ":2: field 'id' is missing");
  expect_error(R"({"id": "a", "question": "q", "answer": 5, "answer_type": "number"})", ":1: field 'answer' must be a string");
  expect_error(R"({"id": "a", "question": "q", "answer": "1", "answer_type": "numeric"})", ":1: field 'answer_type' must be one of");
  expect_error(R"({"id": "a", "question": "", "answer": "1", "answer_type": "number"})", "field 'question' is empty");
  expect_error(R"({"id": "a", "question": "q", "answer": "ten-ish", "answer_type": "number"})", "field 'answer' (\"ten-ish\") is not a number");
  expect_error(R"({"id": "a", "question": "q", "answer": "C", "answer_type": "choice", "choices": ["(A) x", "(B) y"]})",
               "names none of the 2 choices");
  expect_error(R"({"id": "a", "question": "q", "answer": "A", "answer_type": "choice"})", "field 'choices' is missing");
  expect_error(R"({"id": "a", "question": "q", "answer": "A", "answer_type": "choice", "choices": "(A) x"})",
               "field 'choices' must be a list");
  expect_error(R"({"id": "a", "question": "q", "answer": "maybe", "answer_type": "yesno"})", "is not yes/no");
  expect_error(R"(["id", "a"])", ":1: expected a JSON object");
  expect_error(ok + "\n" + ok + "\n" + ok + "\n", ":2: duplicate id 'a' (first on line 1)");
}

TEST(Questions, MissingFileIsAnError) {
  EXPECT_THROW(load_questions("/nonexistent/questions.jsonl"), Error);
}

}  // namespace
}  // namespace regenesis
