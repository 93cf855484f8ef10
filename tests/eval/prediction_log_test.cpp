// predictions.jsonl: append, read back, torn last lines and damaged lines.
#include <gtest/gtest.h>

#include "eval/prediction_log.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

Prediction sample(const std::string& id, bool correct) {
  Prediction p;
  p.bench = "gsm8k";
  p.id = id;
  p.answer_type = "number";
  p.prompt = "Solve: " + id;
  p.completion = "so the answer is \\boxed{18}\n\"quoted\"";
  p.extracted = "18";
  p.method = "boxed";
  p.gold = "18";
  p.correct = correct;
  p.finish_reason = "stop";
  p.prompt_tokens = 12;
  p.completion_tokens = 7;
  return p;
}

TEST(PredictionLog, AppendsAndReadsBackEveryField) {
  test::TempDir dir;
  const auto path = dir / "predictions.jsonl";
  {
    PredictionLog log(path);
    EXPECT_TRUE(log.loaded().empty());
    log.append(sample("a", true));
    Prediction none = sample("b", false);
    none.extracted.reset();
    none.method.clear();
    none.prompt.reset();
    none.finish_reason.reset();
    none.prompt_tokens.reset();
    none.completion_tokens.reset();
    log.append(none);
  }
  PredictionLog reopened(path);
  ASSERT_EQ(reopened.loaded().size(), 2u);
  const Prediction& a = reopened.loaded()[0];
  EXPECT_EQ(prediction_to_json(a), prediction_to_json(sample("a", true)));
  const Prediction& b = reopened.loaded()[1];
  EXPECT_EQ(b.id, "b");
  EXPECT_FALSE(b.correct);
  EXPECT_FALSE(b.extracted.has_value());
  EXPECT_FALSE(b.prompt.has_value());
  EXPECT_FALSE(b.completion_tokens.has_value());
  EXPECT_EQ(reopened.dropped_bytes(), 0u);
}

TEST(PredictionLog, DropsAndCutsATornLastLine) {
  test::TempDir dir;
  const auto path = dir / "predictions.jsonl";
  const std::string first = prediction_line(sample("a", true));
  const std::string torn = prediction_line(sample("b", true)).substr(0, 40);  // no newline
  write_file_atomic(path, first + torn);
  {
    PredictionLog log(path);
    ASSERT_EQ(log.loaded().size(), 1u);
    EXPECT_EQ(log.dropped_bytes(), torn.size());
    EXPECT_EQ(read_file(path), first);  // cut before anything new is appended
    log.append(sample("c", false));
  }
  EXPECT_EQ(read_file(path), first + prediction_line(sample("c", false)));
  EXPECT_EQ(read_predictions(path).size(), 2u);
}

TEST(PredictionLog, ADamagedCompleteLineIsAnErrorNamingTheLine) {
  test::TempDir dir;
  const auto path = dir / "predictions.jsonl";
  write_file_atomic(path, prediction_line(sample("a", true)) + "{\"bench\": \"x\"}\n" +
                              prediction_line(sample("b", true)));
  try {
    PredictionLog log(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string() + ":2:"), std::string::npos) << message;
    EXPECT_NE(message.find("'id'"), std::string::npos) << message;
  }
}

TEST(PredictionLog, InvalidUtf8InACompletionIsReplacedNotFatal) {
  test::TempDir dir;
  Prediction p = sample("a", false);
  p.completion = std::string("cut inside a character: \xE2\x82", 27);
  const auto path = dir / "p.jsonl";
  {
    PredictionLog log(path);
    log.append(p);
  }
  const auto back = read_predictions(path);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].completion.rfind("cut inside a character: ", 0), 0u);
}

}  // namespace
}  // namespace regenesis
