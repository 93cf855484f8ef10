#pragma once
// Which examples go into which optimizer step, micro-batch and row. No torch here.
#include <cstdint>
#include <vector>

#include "train/sft_tokenize.h"

namespace regenesis {

struct PackedRow {
  std::vector<size_t> examples;  // indices into the dataset; one unless packing
  int64_t length = 0;            // tokens in the row
};

struct MicroBatch {
  std::vector<PackedRow> rows;
  int64_t width() const;  // the longest row (rows are right-padded to it)
};

struct StepPlan {
  std::vector<MicroBatch> micro_batches;
  int64_t examples = 0, tokens = 0;
  int64_t loss_tokens = 0;  // the step's loss is the sum over these, divided by their count
};

// Optimizer steps per epoch: ceil(examples / global_batch) (the last step may be smaller).
int64_t steps_per_epoch(int64_t examples, int64_t global_batch);

// The steps of one epoch. The examples are shuffled with a generator seeded by (seed, epoch) and
// written here (the same order on every machine and library version), then cut into global
// batches. Inside a global batch the examples are sorted longest first (length bucketing: rows of
// a micro-batch have similar lengths, so little padding; the step's gradient does not depend on
// the order inside it), packed first-fit into rows of at most max_length tokens when packing, and
// cut into micro-batches of batch_size rows.
std::vector<StepPlan> plan_epoch(const std::vector<TokenizedExample>& data, int64_t global_batch,
                                 int64_t batch_size, int64_t max_length, bool packing,
                                 uint64_t seed, int64_t epoch);

}  // namespace regenesis
