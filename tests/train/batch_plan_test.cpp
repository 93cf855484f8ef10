// The epoch plan: every example once per epoch, seeded order, length bucketing inside a global
// batch, packing within max_length.
#include <gtest/gtest.h>

#include <set>

#include "train/batch_plan.h"

namespace regenesis {
namespace {

std::vector<TokenizedExample> dataset(const std::vector<int>& lengths) {
  std::vector<TokenizedExample> data;
  for (int length : lengths) {
    TokenizedExample e;
    e.tokens.assign(length, 7);
    e.loss.assign(length, 1);
    e.loss[0] = 0;
    data.push_back(e);
  }
  return data;
}

std::vector<size_t> order_of(const std::vector<StepPlan>& steps) {
  std::vector<size_t> order;
  for (const StepPlan& step : steps)
    for (const MicroBatch& micro : step.micro_batches)
      for (const PackedRow& row : micro.rows) order.insert(order.end(), row.examples.begin(), row.examples.end());
  return order;
}

TEST(BatchPlan, EveryExampleOncePerEpochLongestFirstInsideAGlobalBatch) {
  const auto data = dataset({5, 9, 3, 12, 7, 4, 8, 6, 10, 2, 11});
  const auto steps = plan_epoch(data, /*global_batch=*/4, /*batch_size=*/2, 64, false, 42, 0);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps_per_epoch(11, 4), 3);
  EXPECT_EQ(steps[2].examples, 3);  // the last global batch is the remainder
  const auto order = order_of(steps);
  EXPECT_EQ(std::set<size_t>(order.begin(), order.end()).size(), data.size());
  EXPECT_EQ(order.size(), data.size());
  int64_t loss_tokens = 0;
  for (const StepPlan& step : steps) {
    EXPECT_LE(step.micro_batches.size(), 2u);
    int64_t previous = 1 << 30, step_loss = 0;
    for (const MicroBatch& micro : step.micro_batches) {
      EXPECT_LE(micro.rows.size(), 2u);
      for (const PackedRow& row : micro.rows) {
        EXPECT_LE(row.length, previous);
        previous = row.length;
        step_loss += data[row.examples[0]].loss_tokens();
      }
    }
    EXPECT_EQ(step.loss_tokens, step_loss);
    loss_tokens += step.loss_tokens;
  }
  int64_t expected = 0;
  for (const auto& e : data) expected += e.loss_tokens();
  EXPECT_EQ(loss_tokens, expected);
}

TEST(BatchPlan, TheOrderIsAFunctionOfSeedAndEpoch) {
  const auto data = dataset({5, 9, 3, 12, 7, 4, 8, 6, 10, 2, 11, 13, 1 + 1, 15});
  auto order = [&](uint64_t seed, int64_t epoch) {
    return order_of(plan_epoch(data, 1, 1, 64, false, seed, epoch));  // global batch 1: pure shuffle
  };
  EXPECT_EQ(order(42, 0), order(42, 0));
  EXPECT_NE(order(42, 0), order(42, 1));
  EXPECT_NE(order(42, 0), order(43, 0));
}

TEST(BatchPlan, PackingFillsRowsUpToMaxLength) {
  const auto data = dataset({9, 3, 7, 4, 6, 2, 8, 5});
  const auto steps = plan_epoch(data, 8, 2, /*max_length=*/12, true, 1, 0);
  ASSERT_EQ(steps.size(), 1u);
  int64_t rows = 0, tokens = 0;
  std::set<size_t> seen;
  for (const MicroBatch& micro : steps[0].micro_batches)
    for (const PackedRow& row : micro.rows) {
      ++rows;
      EXPECT_LE(row.length, 12);
      int64_t length = 0;
      for (size_t e : row.examples) {
        length += static_cast<int64_t>(data[e].tokens.size());
        EXPECT_TRUE(seen.insert(e).second);
      }
      EXPECT_EQ(length, row.length);
      tokens += length;
    }
  EXPECT_EQ(seen.size(), data.size());
  EXPECT_EQ(tokens, 44);
  EXPECT_EQ(rows, 4);  // 44 tokens need at least 4 rows of 12; first-fit decreasing finds 4
}

}  // namespace
}  // namespace regenesis
