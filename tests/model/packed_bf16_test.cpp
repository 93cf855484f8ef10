// The bfloat16 matrix-product kernel on packed weights (model/packed_bf16.h): the layout, the
// sums against a float64 reference on awkward shapes (N not a multiple of 16, odd K, every tile
// height), batch invariance bit for bit, the dispatcher (AMX tiles where present, this kernel
// otherwise), and the cache that re-packs a weight once it changes.
#include <gtest/gtest.h>

#include "bf16_products.h"
#include "model/cpu_kernels.h"
#include "model/packed_bf16.h"
#include "model/packed_weight_cache.h"
#include "util/error.h"

namespace regenesis::kernels {
namespace {

using test::random_bf16;
using test::reference_product;

// The most kernels::linear may differ from `want` (float64) over K inputs: float32 sums of exact
// bf16 products with the SIMD kernels; without them (REGENESIS_KERNELS=generic, or no
// AVX512_BF16) ATen rounds each output to bfloat16 as well (2^-8 relative).
double dispatcher_tolerance(const at::Tensor& want, int64_t K) {
  const double largest = want.abs().max().item<double>();
  return 1e-6 * K * (1 + largest) + (simd_available(at::kBFloat16) ? 0.0 : largest / 256);
}

// Through the dispatcher (kernels::linear): AMX tiles where the CPU has them and K is a multiple
// of 32, else the packed kernel, or ATen without AVX512_BF16.
at::Tensor run_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                      const PackedBf16* packed = nullptr) {
  at::Tensor out = at::zeros({x.size(0), w.size(0)}, at::TensorOptions().dtype(at::kFloat));
  linear(x, {{&w, bias.defined() ? bias.data_ptr<float>() : nullptr, out.data_ptr<float>(),
              w.size(0), false, packed}});
  return out;
}

// The packed kernel itself, whatever the dispatcher would pick for this many rows.
at::Tensor run_packed(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  const PackedBf16 packed = pack_bf16(w);
  at::Tensor out = at::zeros({x.size(0), w.size(0)}, at::TensorOptions().dtype(at::kFloat));
  linear_packed_bf16(x, {{&w, bias.defined() ? bias.data_ptr<float>() : nullptr, out.data_ptr<float>(),
                          w.size(0), false, &packed}},
                     {&packed});
  return out;
}

TEST(PackedBf16, LayoutHoldsEachWeightPairOnceAndZeroPadding) {
  const at::Tensor w = random_bf16({37, 9}, 1);
  const PackedBf16 packed = pack_bf16(w);
  ASSERT_EQ(packed.blocks(), 3);
  ASSERT_EQ(packed.pairs(), 5);
  ASSERT_EQ(packed.data.sizes(), (std::vector<int64_t>{3, 5, 16, 2}));
  const at::Tensor d = packed.data.to(at::kFloat), wf = w.to(at::kFloat);
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t p = 0; p < 5; ++p)
      for (int64_t r = 0; r < 16; ++r)
        for (int64_t i = 0; i < 2; ++i) {
          const int64_t n = 16 * b + r, k = 2 * p + i;
          const float expected = n < 37 && k < 9 ? wf[n][k].item<float>() : 0.0f;
          ASSERT_EQ(d[b][p][r][i].item<float>(), expected) << "block " << b << " pair " << p << " row " << r;
        }
}

TEST(PackedBf16, RejectsWhatItCannotPack) {
  EXPECT_THROW(pack_bf16(at::zeros({4, 4}, at::TensorOptions().dtype(at::kFloat))), Error);
  EXPECT_THROW(pack_bf16(at::zeros({4}, at::TensorOptions().dtype(at::kBFloat16))), Error);
}

TEST(PackedBf16, MatchesFloat64OnAwkwardShapes) {
  if (!simd_available(at::kBFloat16)) GTEST_SKIP() << "no AVX512_BF16 here: the packed kernel does not run";
  uint64_t seed = 10;
  for (int64_t N : {1, 15, 17, 40, 200})
    for (int64_t K : {1, 2, 7, 64, 129})
      for (int64_t M : {1, 3, 8, 9, 37}) {
        const at::Tensor x = random_bf16({M, K}, ++seed), w = random_bf16({N, K}, ++seed);
        const at::Tensor bias = random_bf16({N}, ++seed).to(at::kFloat);
        const at::Tensor got = run_packed(x, w, bias).to(at::kDouble);
        const at::Tensor want = reference_product(x, w, bias);
        // float32 sums of exact bf16 products: error grows with K and the terms' size.
        const double tolerance = 1e-6 * K * (1 + want.abs().max().item<double>());
        EXPECT_LE((got - want).abs().max().item<double>(), tolerance) << "M " << M << " N " << N << " K " << K;
      }
}

TEST(PackedBf16, TheDispatcherMatchesFloat64AtEveryBatchSize) {
  // Whichever kernel runs (AMX tiles, packed, or ATen), sums are float32 over exact bf16 products.
  uint64_t seed = 100;
  for (int64_t M : {1, 7, 15, 16, 17, 32, 64})
    for (int64_t K : {7, 64, 576}) {
      const int64_t N = 40;
      const at::Tensor x = random_bf16({M, K}, ++seed), w = random_bf16({N, K}, ++seed);
      const at::Tensor bias = random_bf16({N}, ++seed).to(at::kFloat);
      const at::Tensor got = run_linear(x, w, bias).to(at::kDouble);
      const at::Tensor want = reference_product(x, w, bias);
      EXPECT_LE((got - want).abs().max().item<double>(), dispatcher_tolerance(want, K)) << "M " << M << " K " << K;
    }
}

TEST(PackedBf16, TheDispatchersSumsDoNotDependOnTheBatch) {
  // Whichever kernel it picks for a shape, it picks it at every batch size: a sequence's logits
  // are the same alone and in a batch of any size (K 576 takes the AMX tiles where the CPU has
  // them; K 131 is not whole tiles and takes the packed kernel).
  if (!simd_available(at::kBFloat16)) GTEST_SKIP() << "no AVX512_BF16 here: the packed kernel does not run";
  for (int64_t K : {576, 131}) {
    const at::Tensor w = random_bf16({75, K}, 21), x = random_bf16({70, K}, 22);
    const at::Tensor batched = run_linear(x, w, at::Tensor());
    for (int64_t M : {1, 2, 8, 15, 16, 17, 32, 33, 64}) {
      const at::Tensor prefix = run_linear(x.narrow(0, 0, M).contiguous(), w, at::Tensor());
      EXPECT_TRUE(at::equal(prefix, batched.narrow(0, 0, M))) << "K " << K << " M " << M;
    }
    const at::Tensor alone = run_linear(x.narrow(0, 69, 1).contiguous(), w, at::Tensor());
    EXPECT_TRUE(at::equal(alone[0], batched[69])) << "K " << K << ": the last row alone";
  }
}

TEST(PackedBf16, ARowsSumsDoNotDependOnTheBatch) {
  if (!simd_available(at::kBFloat16)) GTEST_SKIP() << "no AVX512_BF16 here: the packed kernel does not run";
  const int64_t N = 75, K = 131;
  const at::Tensor w = random_bf16({N, K}, 3), x = random_bf16({37, K}, 4);
  const at::Tensor batched = run_packed(x, w, at::Tensor());
  for (int64_t m : {0, 7, 8, 20, 36}) {
    const at::Tensor alone = run_packed(x.narrow(0, m, 1).contiguous(), w, at::Tensor());
    EXPECT_TRUE(at::equal(alone[0], batched[m])) << "row " << m;
  }
  // Every tile height 1..8 sees row 0 at some position: the prefix batches agree too.
  for (int64_t M = 2; M <= 9; ++M)
    EXPECT_TRUE(at::equal(run_packed(x.narrow(0, 0, M).contiguous(), w, at::Tensor()), batched.narrow(0, 0, M)))
        << "M " << M;
}

TEST(PackedBf16, SeveralOutputsInOneCallWithStridesAndAccumulation) {
  const int64_t M = 5, K = 48;
  const at::Tensor x = random_bf16({M, K}, 5);
  const at::Tensor wq = random_bf16({40, K}, 6), wk = random_bf16({24, K}, 7);
  const at::Tensor bq = random_bf16({40}, 8).to(at::kFloat);
  // q into columns 0..39 of a wider buffer; k added onto what its buffer holds.
  at::Tensor wide = at::full({M, 50}, 7.0f, at::TensorOptions().dtype(at::kFloat));
  at::Tensor acc = random_bf16({M, 24}, 9).to(at::kFloat);
  const at::Tensor acc_before = acc.clone();
  linear(x, {{&wq, bq.data_ptr<float>(), wide.data_ptr<float>(), 50, false},
             {&wk, nullptr, acc.data_ptr<float>(), 24, true}});
  const at::Tensor want_q = reference_product(x, wq, bq);
  EXPECT_LE((wide.narrow(1, 0, 40).to(at::kDouble) - want_q).abs().max().item<double>(), dispatcher_tolerance(want_q, K));
  EXPECT_TRUE(at::equal(wide.narrow(1, 40, 10), at::full({M, 10}, 7.0f, wide.options())))
      << "columns past the output were written";
  const at::Tensor want = acc_before.to(at::kDouble) + reference_product(x, wk, at::Tensor());
  EXPECT_LE((acc.to(at::kDouble) - want).abs().max().item<double>(), dispatcher_tolerance(want, K));
}

TEST(PackedBf16, APackedWeightOfAnotherShapeIsAnError) {
  const at::Tensor w = random_bf16({16, 8}, 1), other = random_bf16({32, 8}, 2);
  const PackedBf16 packed = pack_bf16(other);
  if (!simd_available(at::kBFloat16)) GTEST_SKIP() << "no AVX512_BF16 here: packed weights are not used";
  EXPECT_THROW(run_linear(random_bf16({2, 8}, 3), w, at::Tensor(), &packed), Error);
}

TEST(PackedWeightCache, PacksOnceAndAgainWhenTheWeightChanges) {
  PackedWeightCache cache;
  at::Tensor w = random_bf16({20, 6}, 11);
  const PackedBf16* first = &cache.get(w);
  const at::Tensor first_data = first->data;
  EXPECT_EQ(&cache.get(w), first);
  EXPECT_EQ(cache.get(w).data.data_ptr(), first_data.data_ptr()) << "packed again without a change";
  EXPECT_EQ(cache.bytes(), 2 * 3 * 16 * 2 * 2);  // 2 blocks x 3 pairs x 16 rows x 2 bf16 of 2 bytes

  w.add_(1.0);  // in place, as an optimizer step
  const at::Tensor x = random_bf16({3, 6}, 12);
  const at::Tensor want = reference_product(x, w, at::Tensor());
  EXPECT_LE((run_linear(x, w, at::Tensor(), &cache.get(w)).to(at::kDouble) - want).abs().max().item<double>(),
            dispatcher_tolerance(want, 6));

  w = random_bf16({20, 6}, 13);  // replaced, as merge_lora does
  const at::Tensor want_new = reference_product(x, w, at::Tensor());
  EXPECT_LE((run_linear(x, w, at::Tensor(), &cache.get(w)).to(at::kDouble) - want_new).abs().max().item<double>(),
            dispatcher_tolerance(want_new, 6));

  const PackedWeightCache copy = cache;
  EXPECT_EQ(copy.bytes(), 0) << "a copy belongs to other weights and starts empty";
}

}  // namespace
}  // namespace regenesis::kernels
