#pragma once
// Small in-memory benchmarks and predictions for the eval tests.
#include <string>
#include <vector>

#include "eval/eval_benchmark.h"
#include "eval/eval_summary.h"

namespace regenesis::test {

// A number benchmark with questions "<name>-0" ... whose gold answer is 100 + i.
inline EvalBenchmark number_bench(const std::string& name, int questions, BenchmarkRole role,
                                  const std::string& group = "") {
  EvalBenchmark bench;
  bench.name = name;
  bench.file = name + ".jsonl";
  bench.role = role;
  bench.task_group = group.empty() ? name : group;
  bench.answer_type = "number";
  for (int i = 0; i < questions; ++i) {
    Question q;
    q.id = name + "-" + std::to_string(i);
    q.question = "What is " + std::to_string(100 + i) + "?";
    q.answer = std::to_string(100 + i);
    q.answer_type = AnswerType::Number;
    bench.questions.push_back(std::move(q));
  }
  return bench;
}

inline Prediction verdict(const std::string& bench, const std::string& id, bool correct,
                          bool truncated = false) {
  Prediction p;
  p.bench = bench;
  p.id = id;
  p.answer_type = "number";
  p.completion = correct ? "the answer is right" : "wrong";
  if (correct) p.extracted = "x";
  p.gold = "x";
  p.correct = correct;
  p.finish_reason = truncated ? "length" : "stop";
  return p;
}

// Marks the first `correct` questions of `bench` right and the rest wrong.
inline void add_verdicts(PredictionIndex& index, const EvalBenchmark& bench, int correct) {
  for (size_t i = 0; i < bench.questions.size(); ++i)
    index[{bench.name, bench.questions[i].id}] =
        verdict(bench.name, bench.questions[i].id, static_cast<int>(i) < correct);
}

}  // namespace regenesis::test
