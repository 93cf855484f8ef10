// The real data sets in ../shared/data: every file loads, every registry entry resolves, and the
// grader, run on the gold solutions as if they were model outputs, finds the gold answer.
#include <gtest/gtest.h>

#include <cstdio>

#include "data/benchmarks.h"
#include "data/question.h"
#include "test_support.h"
#include "text/answer.h"

namespace regenesis {
namespace {

TEST(SharedData, EveryFileLoads) {
  REGENESIS_REQUIRE_SHARED(data, "data");
  size_t files = 0, rows = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    if (entry.path().extension() != ".jsonl") continue;
    SCOPED_TRACE(entry.path().string());
    auto qs = load_questions(entry.path());
    EXPECT_FALSE(qs.empty());
    rows += qs.size();
    ++files;
  }
  EXPECT_EQ(files, 25u);  // the README's 22 rows, with 6 BBH files in one row
  EXPECT_GT(rows, 40000u);
}

TEST(SharedData, EveryRegistrySplitResolves) {
  REGENESIS_REQUIRE_SHARED(data, "data");
  for (const auto& b : benchmark_registry())
    for (const auto& [split, file] : b.splits) {
      auto spec = resolve_benchmark(b.name + ":" + split, data);
      EXPECT_TRUE(std::filesystem::exists(spec.file)) << spec.file;
    }
}

struct GoldRate {
  size_t graded = 0, correct = 0;
  double rate() const { return graded ? static_cast<double>(correct) / graded : 0; }
};

// Grades each row's rationale against its answer; prints the misses (up to max_printed).
GoldRate grade_rationales(const std::filesystem::path& file, size_t max_printed) {
  GoldRate r;
  size_t printed = 0;
  for (const auto& q : load_questions(file)) {
    if (!q.rationale) continue;
    ++r.graded;
    Verdict v = grade_completion(*q.rationale, q.answer, q.answer_type, q.choices);
    if (v.correct) {
      ++r.correct;
    } else if (printed++ < max_printed) {
      std::printf("  miss %s | extracted: %s | gold: %s\n", q.id.c_str(),
                  v.extracted ? (v.extracted->text + " (" + v.extracted->method + ")").c_str() : "<none>", q.answer.c_str());
    }
  }
  std::printf("%s: %zu/%zu gold rationales graded correct (%.2f%%)\n", file.string().c_str(), r.correct, r.graded,
              100 * r.rate());
  return r;
}

TEST(SharedData, GoldRationalesGradeCorrectOnGsm8kAndMath) {
  REGENESIS_REQUIRE_SHARED(data, "data");
  for (const char* file : {"gsm8k/test.jsonl", "math/test.jsonl"}) {
    GoldRate r = grade_rationales(data / file, 100);
    EXPECT_GE(r.rate(), 0.995) << file;
    EXPECT_GT(r.graded, 1000u);
  }
}

TEST(SharedData, GoldRationalesOfTheOtherSets) {
  REGENESIS_REQUIRE_SHARED(data, "data");
  // Training splits and AQuA state their answers; hold them to the same bar.
  for (const char* file : {"gsm8k/train.jsonl", "math/train.jsonl", "math/test500.jsonl", "aqua/test.jsonl"}) {
    GoldRate r = grade_rationales(data / file, 20);
    EXPECT_GE(r.rate(), 0.99) << file;
  }
  // StrategyQA's rationale is its supporting facts and ANLI's the annotator's reason: they rarely
  // state the label, so these rates only describe the data.
  for (const char* file : {"strategyqa/test.jsonl", "anli/test.jsonl"}) grade_rationales(data / file, 0);
}

}  // namespace
}  // namespace regenesis
