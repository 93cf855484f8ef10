// Acceptance against a real trained model: ../shared/models/stories260K (F32) and its BF16
// rounding, whose reference_outputs.json were computed by an independent float64 forward.
#include <gtest/gtest.h>

#include "model/transformer.h"
#include "test_support.h"
#include "util/json.h"

namespace regenesis {
namespace {

at::Tensor long_tensor(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::TensorOptions().dtype(at::kLong));
}

at::Tensor float_tensor(const Json& values) {
  return at::tensor(values.get<std::vector<double>>(), at::TensorOptions().dtype(at::kDouble));
}

double max_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

// Greedy decoding from `first` with the cached forward: one prefill, then one token per step.
std::vector<int64_t> greedy(Transformer& model, int64_t first, int64_t new_tokens) {
  KVCache cache(model.config(), 1, new_tokens + 1, model.dtype());
  std::vector<int64_t> ids = {first};
  const auto slot = long_tensor({0}), one = long_tensor({1});
  for (int64_t step = 0; step < new_tokens; ++step) {
    const int64_t position = static_cast<int64_t>(ids.size()) - 1;
    at::Tensor logits = model.forward(long_tensor({ids.back()}).unsqueeze(0), slot,
                                      long_tensor({position}), one, cache);
    ids.push_back(logits[0].argmax().item<int64_t>());
  }
  return ids;
}

TEST(Stories260K, Float32LogitsMatchReference) {
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K");
  const Json ref = read_json_file(dir / "reference_outputs.json");
  Transformer model = Transformer::load(dir, at::kFloat);
  const auto prompt = ref["prompt_ids_with_bos"].get<std::vector<int64_t>>();

  at::Tensor logits = model.forward_full(long_tensor(prompt).unsqueeze(0))[0];  // [T, 512]
  EXPECT_LT(max_diff(logits[0], float_tensor(ref["logits_first_position_bos"])), 1e-4);
  EXPECT_LT(max_diff(logits[-1], float_tensor(ref["logits_last_position"])), 1e-4);
  EXPECT_TRUE(at::equal(logits.argmax(-1), long_tensor(ref["argmax_next_token_per_position"])));

  // The cached prefill gives the same last-position logits.
  KVCache cache(model.config(), 1, 64, at::kFloat);
  at::Tensor last = model.forward(long_tensor(prompt).unsqueeze(0), long_tensor({0}), long_tensor({0}),
                                  long_tensor({static_cast<int64_t>(prompt.size())}), cache);
  EXPECT_LT(max_diff(last[0], float_tensor(ref["logits_last_position"])), 1e-4);
}

TEST(Stories260K, Float32GreedyContinuationIsTokenIdentical) {
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K");
  const Json ref = read_json_file(dir / "reference_outputs.json");
  Transformer model = Transformer::load(dir, at::kFloat);
  const auto expected = ref["greedy_from_bos_ids"].get<std::vector<int64_t>>();
  ASSERT_EQ(expected.size(), 201u);
  EXPECT_EQ(greedy(model, expected[0], 200), expected);
}

TEST(Stories260KBf16, WeightsUpcastToFloat32MatchReference) {
  // The reference was computed on the BF16 weights upcast, so loading as float32 is exact input.
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K-bf16");
  const Json ref = read_json_file(dir / "reference_outputs.json");
  Transformer model = Transformer::load(dir, at::kFloat);
  const auto prompt = ref["prompt_ids_with_bos"].get<std::vector<int64_t>>();
  at::Tensor logits = model.forward_full(long_tensor(prompt).unsqueeze(0))[0];
  EXPECT_LT(max_diff(logits[-1], float_tensor(ref["logits_last_position"])), 1e-4);
  const auto expected = ref["greedy_from_bos_ids"].get<std::vector<int64_t>>();
  EXPECT_EQ(greedy(model, expected[0], 200), expected);
}

TEST(Stories260KBf16, Bfloat16ComputeStaysCloseToReference) {
  // Computing in bfloat16 rounds every matmul input and output to an 8-bit mantissa, so the logits
  // drift from the float64 reference by ~0.1-0.2 (their range is about -6..+19); 0.3 is the
  // stated tolerance. Where the reference's top two logits are closer than that, bfloat16 may
  // pick either: at position 20 of the greedy text they are 0.119 apart, so a bfloat16 greedy run
  // can leave the reference there. So: greedy must agree up to the first such near-tie, and,
  // teacher-forced along the whole 200-token reference, the argmax must agree wherever the
  // reference is decided by more than the tolerance.
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K-bf16");
  const double tolerance = 0.3;
  const Json ref = read_json_file(dir / "reference_outputs.json");
  Transformer model = Transformer::load(dir, at::kBFloat16);
  EXPECT_EQ(model.dtype(), at::kBFloat16);
  const auto prompt = ref["prompt_ids_with_bos"].get<std::vector<int64_t>>();
  at::Tensor logits = model.forward_full(long_tensor(prompt).unsqueeze(0))[0];
  EXPECT_LT(max_diff(logits[-1], float_tensor(ref["logits_last_position"])), tolerance);
  EXPECT_TRUE(at::equal(logits.argmax(-1), long_tensor(ref["argmax_next_token_per_position"])));

  // Reference margins from the float32 path, which matches the reference to 1e-4 (test above).
  const auto expected = ref["greedy_from_bos_ids"].get<std::vector<int64_t>>();
  const auto sequence = long_tensor(expected).unsqueeze(0);
  at::Tensor reference = Transformer::load(dir, at::kFloat).forward_full(sequence)[0];
  at::Tensor top2 = std::get<0>(reference.topk(2, -1));
  at::Tensor decided = (top2.select(1, 0) - top2.select(1, 1)) > tolerance;  // [201]

  int64_t first_tie = 0;
  while (first_tie < 200 && decided[first_tie].item<bool>()) ++first_tie;
  EXPECT_GE(first_tie, 20);  // the near-tie named above
  // Positions 0..first_tie-1 are decided, so the tokens they predict (ids 1..first_tie) must match.
  const auto got = greedy(model, expected[0], first_tie);
  EXPECT_EQ(got, std::vector<int64_t>(expected.begin(), expected.begin() + first_tie + 1));

  KVCache cache(model.config(), 1, 256, at::kBFloat16);
  at::Tensor forced = model.forward(sequence, long_tensor({0}), long_tensor({0}), long_tensor({201}), cache, false)[0];
  at::Tensor agree = forced.argmax(-1).narrow(0, 0, 200) == long_tensor(expected).narrow(0, 1, 200);
  at::Tensor checked = decided.narrow(0, 0, 200);
  EXPECT_GT(checked.sum().item<int64_t>(), 150);  // most positions are decided
  EXPECT_TRUE(agree.logical_or(checked.logical_not()).all().item<bool>());
  EXPECT_LT(max_diff(forced, reference), 2 * tolerance);
}

}  // namespace
}  // namespace regenesis
