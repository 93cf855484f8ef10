// Attention over the paged KV cache at the engine's real shape (9 query heads over 3 KV heads of
// 64 dimensions) and long contexts, against a float64 computation of the same bf16-rounded
// numbers: write_kv puts every value where the cache layout says (both halves of a position
// pair, whichever thread writes them), and every token's attention over 1..200 keys in scattered
// blocks (16-position blocks, odd 5-position blocks, a sliding window) matches the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "model/paged_attention.h"

namespace regenesis {
namespace {

constexpr int64_t kHeads = 9, kKvHeads = 3, kHeadDim = 64;

struct Cache {
  at::Tensor keys, values;  // one layer, the layouts of model/kv_cache.h
  Cache(int64_t blocks, int64_t bs, at::ScalarType dtype) {
    const auto options = at::TensorOptions().dtype(dtype);
    // Filled with NaN: a position that was not written and still weighs in shows up.
    keys = at::full({blocks, kKvHeads, kHeadDim / 2, bs, 2}, NAN, options);
    values = at::full({blocks, kKvHeads, (bs + 1) / 2, kHeadDim, 2}, NAN, options);
  }
};

// A row of `count` new tokens from position `start` over a shuffled block table.
struct Row {
  std::vector<int32_t> blocks;
  AttentionRow row;
  Row(int64_t start, int64_t count, int64_t bs, int64_t pool, uint32_t seed) {
    blocks.resize(pool);
    std::iota(blocks.begin(), blocks.end(), 0);
    std::shuffle(blocks.begin(), blocks.end(), std::mt19937(seed));
    row = {start, count, 0, blocks.data()};
  }
};

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed) {
  at::manual_seed(seed);
  return at::randn(shape, at::TensorOptions().dtype(at::kFloat));
}

class PagedAttention : public ::testing::TestWithParam<at::ScalarType> {};

TEST_P(PagedAttention, WriteKvPutsEveryValueWhereTheLayoutSays) {
  const at::ScalarType dtype = GetParam();
  for (int64_t bs : {16, 5}) {
    SCOPED_TRACE("block size " + std::to_string(bs));
    // 37 tokens from position 3 (odd: the first pair is completed, not started), so some tokens
    // start pairs and others finish them.
    const int64_t start = 3, count = 37, pool = (start + count + bs - 1) / bs;
    Cache cache(pool, bs, dtype);
    const at::Tensor k = randn({count, kKvHeads * kHeadDim}, 1), v = randn({count, kKvHeads * kHeadDim}, 2);
    Row r(start, count, bs, pool, 7);
    const AttentionShape shape{kHeads, kKvHeads, kHeadDim, bs, 0};
    write_kv(k.data_ptr<float>(), v.data_ptr<float>(), &r.row, 1, shape, cache.keys, cache.values);
    const at::Tensor keys = cache.keys.to(at::kFloat), values = cache.values.to(at::kFloat);
    const at::Tensor kr = k.to(dtype).to(at::kFloat), vr = v.to(dtype).to(at::kFloat);
    for (int64_t j = 0; j < count; ++j) {
      const int64_t p = start + j, block = r.blocks[p / bs], o = p % bs;
      for (int64_t g = 0; g < kKvHeads; ++g) {
        const at::Tensor want_k = kr[j].narrow(0, g * kHeadDim, kHeadDim);
        const at::Tensor want_v = vr[j].narrow(0, g * kHeadDim, kHeadDim);
        const at::Tensor got_k = keys[block][g].select(1, o).reshape({kHeadDim});
        const at::Tensor got_v = values[block][g][o / 2].select(1, o % 2);
        ASSERT_TRUE(at::equal(got_k, want_k)) << "keys of position " << p << ", head " << g;
        ASSERT_TRUE(at::equal(got_v, want_v)) << "values of position " << p << ", head " << g;
      }
    }
    // The odd half after the last even position is zero, not garbage (attention may read it).
    const int64_t last = start + count - 1;
    if (last % 2 == 0 && (last + 1) % bs != 0) {
      const at::Tensor after = values[r.blocks[last / bs]].select(1, (last % bs) / 2).select(2, 1);
      EXPECT_TRUE(at::equal(after, at::zeros_like(after))) << "the pair's other half after position " << last;
    }
  }
}

// softmax(q . k * scale) v over keys lo..position in float64, from the numbers the cache holds.
at::Tensor reference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t position, int64_t window) {
  const int64_t lo = window > 0 ? std::max<int64_t>(0, position - window + 1) : 0;
  at::Tensor out = at::empty({kHeads * kHeadDim}, at::TensorOptions().dtype(at::kDouble));
  for (int64_t h = 0; h < kHeads; ++h) {
    const int64_t g = h / (kHeads / kKvHeads);
    const at::Tensor qh = q.narrow(0, h * kHeadDim, kHeadDim).to(at::kDouble) / std::sqrt(double(kHeadDim));
    const at::Tensor keys = k.narrow(0, lo, position - lo + 1).narrow(1, g * kHeadDim, kHeadDim).to(at::kDouble);
    const at::Tensor vals = v.narrow(0, lo, position - lo + 1).narrow(1, g * kHeadDim, kHeadDim).to(at::kDouble);
    const at::Tensor weights = at::softmax(at::matmul(keys, qh), 0);
    out.narrow(0, h * kHeadDim, kHeadDim).copy_(at::matmul(weights, vals));
  }
  return out;
}

TEST_P(PagedAttention, EveryTokenMatchesFloat64OverLongScatteredContexts) {
  const at::ScalarType dtype = GetParam();
  // bfloat16 rounds the scaled queries and the softmax weights to 8 bits of mantissa before the
  // products: outputs (values of size ~1) agree to about 1e-2; float32 to rounding.
  const double tolerance = dtype == at::kBFloat16 ? 2e-2 : 1e-5;
  struct Case { int64_t bs, window; };
  for (const Case c : {Case{16, 0}, Case{5, 0}, Case{16, 37}}) {
    SCOPED_TRACE("block size " + std::to_string(c.bs) + ", window " + std::to_string(c.window));
    const int64_t count = 200, pool = (count + c.bs - 1) / c.bs;
    Cache cache(pool, c.bs, dtype);
    const at::Tensor k = randn({count, kKvHeads * kHeadDim}, 3), v = randn({count, kKvHeads * kHeadDim}, 4);
    // Large queries make the weights peaked, so a wrong key shows.
    const at::Tensor q = randn({count, kHeads * kHeadDim}, 5) * 3;
    Row r(0, count, c.bs, pool, 11);
    const AttentionShape shape{kHeads, kKvHeads, kHeadDim, c.bs, c.window};
    write_kv(k.data_ptr<float>(), v.data_ptr<float>(), &r.row, 1, shape, cache.keys, cache.values);
    at::Tensor out = at::empty({count, kHeads * kHeadDim}, at::TensorOptions().dtype(at::kFloat));
    paged_attention(q.data_ptr<float>(), &r.row, 1, shape, cache.keys, cache.values, out.data_ptr(), at::kFloat);
    const at::Tensor kr = k.to(dtype), vr = v.to(dtype);
    for (int64_t t : {0, 1, 15, 16, 17, 36, 63, 64, 65, 100, 130, 199}) {
      const double error = (out[t].to(at::kDouble) - reference(q[t], kr, vr, t, c.window)).abs().max().item<double>();
      EXPECT_LT(error, tolerance) << "token at position " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, PagedAttention, ::testing::Values(at::kFloat, at::kBFloat16),
                         [](const auto& info) { return std::string(at::toString(info.param)); });

}  // namespace
}  // namespace regenesis
