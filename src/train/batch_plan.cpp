#include "train/batch_plan.h"

#include <algorithm>
#include <numeric>

#include "model/lora_settings.h"
#include "util/error.h"

namespace regenesis {

int64_t MicroBatch::width() const {
  int64_t width = 0;
  for (const PackedRow& row : rows) width = std::max(width, row.length);
  return width;
}

int64_t steps_per_epoch(int64_t examples, int64_t global_batch) {
  if (global_batch < 1) fail("steps_per_epoch: global batch must be positive");
  return (examples + global_batch - 1) / global_batch;
}

namespace {

// Fisher-Yates with a splitmix64 stream: no dependence on std::shuffle's unspecified algorithm.
void seeded_shuffle(std::vector<size_t>& items, uint64_t seed) {
  uint64_t state = seed;
  auto next = [&state] {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  for (size_t i = items.size(); i > 1; --i) {
    // Rejection sampling keeps the index uniform.
    const uint64_t bound = i, limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do r = next();
    while (r >= limit);
    std::swap(items[i - 1], items[r % bound]);
  }
}

std::vector<PackedRow> make_rows(const std::vector<TokenizedExample>& data,
                                 const std::vector<size_t>& sorted, int64_t max_length, bool packing) {
  std::vector<PackedRow> rows;
  for (size_t index : sorted) {
    const int64_t length = static_cast<int64_t>(data[index].tokens.size());
    PackedRow* target = nullptr;
    if (packing)
      for (PackedRow& row : rows)
        if (row.length + length <= max_length) {
          target = &row;
          break;
        }
    if (!target) target = &rows.emplace_back();
    target->examples.push_back(index);
    target->length += length;
  }
  return rows;
}

}  // namespace

std::vector<StepPlan> plan_epoch(const std::vector<TokenizedExample>& data, int64_t global_batch,
                                 int64_t batch_size, int64_t max_length, bool packing,
                                 uint64_t seed, int64_t epoch) {
  if (global_batch < 1 || batch_size < 1) fail("plan_epoch: batch sizes must be positive");
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  seeded_shuffle(order, mix_seed(seed, static_cast<uint64_t>(epoch)));

  std::vector<StepPlan> steps;
  for (size_t begin = 0; begin < order.size(); begin += static_cast<size_t>(global_batch)) {
    const size_t end = std::min(order.size(), begin + static_cast<size_t>(global_batch));
    std::vector<size_t> batch(order.begin() + begin, order.begin() + end);
    // Longest first; ties keep the shuffled order (stable), so the plan is fully determined.
    std::stable_sort(batch.begin(), batch.end(), [&](size_t a, size_t b) {
      return data[a].tokens.size() > data[b].tokens.size();
    });
    StepPlan step;
    const std::vector<PackedRow> rows = make_rows(data, batch, max_length, packing);
    for (size_t r = 0; r < rows.size(); r += static_cast<size_t>(batch_size)) {
      MicroBatch micro;
      const size_t r_end = std::min(rows.size(), r + static_cast<size_t>(batch_size));
      micro.rows.assign(rows.begin() + r, rows.begin() + r_end);
      step.micro_batches.push_back(std::move(micro));
    }
    for (size_t index : batch) {
      step.examples += 1;
      step.tokens += static_cast<int64_t>(data[index].tokens.size());
      step.loss_tokens += data[index].loss_tokens();
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace regenesis
