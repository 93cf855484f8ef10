// forward_cached, the engine's forward: ragged rows over a paged KV cache. A sequence's logits
// must not depend on how it was split into forwards (a prefix computed earlier, in other blocks,
// forked by copying a partial block) nor on the other rows of a batch: with the SIMD kernels
// bit for bit, else to float tolerance. Also checked against the independent full forward.
#include <gtest/gtest.h>

#include "model/cpu_kernels.h"
#include "model/transformer.h"
#include "tiny_models.h"
#include "util/error.h"

namespace regenesis {
namespace {

const std::vector<int64_t> kSequence = {1, 7, 23, 4, 39, 12, 5, 30, 2, 17, 9, 33, 21};

at::Tensor long_tensor(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::TensorOptions().dtype(at::kLong));
}

// Identical bits where the batch-invariant kernels run; float tolerance otherwise.
void expect_same_logits(const at::Tensor& a, const at::Tensor& b, const std::string& what) {
  ASSERT_EQ(a.sizes(), b.sizes()) << what;
  if (kernels::simd_available(at::kFloat))
    EXPECT_TRUE(at::equal(a, b)) << what << ": max diff " << (a - b).abs().max().item<double>();
  else
    EXPECT_TRUE(at::allclose(a, b, 0, 1e-5)) << what;
}

CachedRow row(int64_t start, int64_t count, const std::vector<int32_t>& blocks,
              CachedRow::Logits logits = CachedRow::Logits::All) {
  return {start, count, blocks, logits};
}

std::vector<int64_t> slice(const std::vector<int64_t>& v, size_t from, size_t count) {
  return {v.begin() + from, v.begin() + from + count};
}

class CachedForward : public ::testing::TestWithParam<std::string> {};

TEST_P(CachedForward, SplittingForkingAndBatchingNeverChangeTheLogits) {
  const ModelConfig config = test::tiny_config(GetParam());
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 21), at::kFloat);
  const int64_t bs = 4, n = static_cast<int64_t>(kSequence.size());  // 13 tokens: 3 full blocks + 1
  KVCache cache(config, 16, bs, at::kFloat);

  // Reference: the whole sequence in one row, blocks 0..3.
  const std::vector<int32_t> whole = {0, 1, 2, 3};
  at::Tensor all = model.forward_cached({kSequence, {row(0, n, whole)}}, cache);
  ASSERT_EQ(all.sizes(), (std::vector<int64_t>{n, config.vocab_size}));
  at::Tensor full = model.forward_full(long_tensor(kSequence).unsqueeze(0))[0];
  EXPECT_TRUE(at::allclose(all, full, 0, 1e-5)) << "against the full forward";

  // The first 10 tokens earlier (blocks 5, 6, 7), the rest later next to an unrelated row.
  const std::vector<int32_t> split = {5, 6, 7, 8}, other = {12, 13};
  model.forward_cached({slice(kSequence, 0, 10), {row(0, 10, split, CachedRow::Logits::None)}}, cache);
  CachedBatch later{slice(kSequence, 10, 3), {row(10, 3, split)}};
  for (int64_t t : {3, 3, 8, 1, 30}) later.tokens.push_back(t);
  later.rows.push_back(row(0, 5, other));
  at::Tensor tail = model.forward_cached(later, cache);
  expect_same_logits(tail.narrow(0, 0, 3), all.narrow(0, 10, 3), "prefix computed in an earlier forward");

  // Fork: share blocks 5 and 6, copy the 2 positions of partly filled block 7 into block 9.
  cache.copy_block(7, 9, 2);
  const std::vector<int32_t> fork = {5, 6, 9, 10};
  at::Tensor forked = model.forward_cached({slice(kSequence, 10, 3), {row(10, 3, fork)}}, cache);
  expect_same_logits(forked, all.narrow(0, 10, 3), "forked prefix");

  // Decode one token at a time in yet another layout, each step next to a different batch.
  const std::vector<int32_t> steps = {11, 14, 15, 4};
  const std::vector<std::vector<int32_t>> neighbours = {{12}, {13}};  // outlive the spans below
  model.forward_cached({slice(kSequence, 0, 4), {row(0, 4, steps, CachedRow::Logits::None)}}, cache);
  for (int64_t p = 4; p < n; ++p) {
    CachedBatch step{{kSequence[p]}, {row(p, 1, steps, CachedRow::Logits::Last)}};
    for (int64_t extra = 0; extra < p % 3; ++extra) {
      step.tokens.push_back(5 + extra);
      step.rows.push_back(row(0, 1, neighbours[extra], CachedRow::Logits::Last));
    }
    at::Tensor out = model.forward_cached(step, cache);
    expect_same_logits(out.narrow(0, 0, 1), all.narrow(0, p, 1), "decode step at position " + std::to_string(p));
  }
}

INSTANTIATE_TEST_SUITE_P(Families, CachedForward, ::testing::Values("llama", "qwen2", "mistral"));

class CachedForwardBf16 : public ::testing::TestWithParam<std::string> {};

TEST_P(CachedForwardBf16, StaysCloseToTheFloat32Model) {
  const ModelConfig config = test::tiny_config(GetParam());
  const auto weights = test::random_weights(config, 4);
  Transformer f32 = Transformer::from_tensors(config, weights, at::kFloat);
  Transformer bf16 = Transformer::from_tensors(config, weights, at::kBFloat16);
  // Odd blocks (5 positions): pairs of positions straddle block ends and sliding windows.
  KVCache c32(config, 4, 5, at::kFloat), c16(config, 4, 5, at::kBFloat16);
  const std::vector<int32_t> blocks = {2, 0, 3};
  const CachedBatch prefix{slice(kSequence, 0, 7), {row(0, 7, blocks)}};
  const CachedBatch rest{slice(kSequence, 7, 5), {row(7, 5, blocks)}};
  at::Tensor a = at::cat({f32.forward_cached(prefix, c32), f32.forward_cached(rest, c32)});
  at::Tensor b = at::cat({bf16.forward_cached(prefix, c16), bf16.forward_cached(rest, c16)});
  // bfloat16 keeps 8 bits of mantissa: logits of magnitude ~1 agree to a few hundredths.
  EXPECT_LT((a - b).abs().max().item<double>(), 0.1);
  EXPECT_GT(a.abs().max().item<double>(), 0.5);
  at::Tensor full = f32.forward_full(long_tensor(slice(kSequence, 0, 12)).unsqueeze(0))[0];
  EXPECT_TRUE(at::allclose(a, full, 0, 1e-5)) << "float32 over odd blocks against the full forward";
}

INSTANTIATE_TEST_SUITE_P(Families, CachedForwardBf16, ::testing::Values("llama", "mistral", "qwen2"));

TEST(CachedForwardChecks, BadRowsAreErrors) {
  const ModelConfig config = test::tiny_config("llama");
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 1), at::kFloat);
  KVCache cache(config, 3, 4, at::kFloat);
  const std::vector<int32_t> one = {0}, outside = {3};
  EXPECT_THROW(model.forward_cached({{1, 2, 3, 4, 5}, {row(0, 5, one)}}, cache), Error);  // needs 2 blocks
  EXPECT_THROW(model.forward_cached({{1}, {row(0, 1, outside)}}, cache), Error);
  EXPECT_THROW(model.forward_cached({{1, 2}, {row(0, 1, one)}}, cache), Error);  // counts disagree
  EXPECT_THROW(model.forward_cached({{config.vocab_size}, {row(0, 1, one)}}, cache), Error);
  EXPECT_THROW(model.forward_cached({{1}, {row(0, 0, one)}}, cache), Error);
}

}  // namespace
}  // namespace regenesis
