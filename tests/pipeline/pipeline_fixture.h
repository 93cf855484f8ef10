#pragma once
// Shared setup for pipeline tests: a small question set, a config, and a RunSession wired to a
// ScriptedGenerator and a whitespace token counter.
#include <memory>
#include <string>
#include <vector>

#include "pipeline/run_session.h"
#include "scripted_generator.h"
#include "test_support.h"

namespace regenesis::test {

inline QuestionRow make_question(std::string id, std::string text, std::string answer,
                                 int64_t ord, std::string type = "number",
                                 std::string choices = "[]") {
  QuestionRow q;
  q.id = std::move(id);
  q.ord = ord;
  q.task = "gsm8k";
  q.question = std::move(text);
  q.answer = std::move(answer);
  q.answer_type = std::move(type);
  q.choices_json = std::move(choices);
  return q;
}

inline std::vector<QuestionRow> two_questions() {
  return {make_question("q1", "Tom has 3 apples and buys 4 more. How many apples does he have?", "7", 0),
          make_question("q2", "A box holds 6 eggs. How many eggs are in 5 boxes?", "30", 1)};
}

// Counts whitespace-separated words: enough for the length gate in tests.
inline size_t word_count(const std::string& text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

struct SessionHandle {
  ScriptedGenerator* generator;  // owned by the session
  std::unique_ptr<RunSession> session;
};

inline SessionHandle make_session(const TempDir& dir, RunConfig config,
                                  std::vector<QuestionRow> questions,
                                  std::unique_ptr<ScriptedGenerator> generator) {
  config.run.dir = dir.path().string();
  auto* raw = generator.get();
  auto store = std::make_unique<RunStore>(config.store_file());
  auto session = std::make_unique<RunSession>(config, PromptSet::builtin(), std::move(store),
                                              std::move(questions), std::move(generator),
                                              TokenCounter(word_count));
  return {raw, std::move(session)};
}

}  // namespace regenesis::test
