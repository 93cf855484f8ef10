// The bfloat16 matrix product on AMX tiles (model/amx_bf16.h): sums against a float64 reference
// on awkward shapes (partial row tiles, a lone last block, outputs not a multiple of 16), a row's
// sums independent of its batch, and several outputs with bias, strides and accumulation in one
// call. Skipped where the CPU has no AMX. (The tiles do not give the vdpbf16ps kernel's bits:
// the two round the sum of a pair of products differently, a float32 ulp apart.)
#include <gtest/gtest.h>

#include "bf16_products.h"
#include "model/amx_bf16.h"
#include "model/packed_bf16.h"
#include "util/error.h"

namespace regenesis::kernels {
namespace {

using test::random_bf16;
using test::reference_product;

at::Tensor run(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  const PackedBf16 packed = pack_bf16(w);
  at::Tensor out = at::zeros({x.size(0), w.size(0)}, at::TensorOptions().dtype(at::kFloat));
  const std::vector<LinearOutput> outputs = {
      {&w, bias.defined() ? bias.data_ptr<float>() : nullptr, out.data_ptr<float>(), w.size(0), false, &packed}};
  linear_amx_bf16(x, outputs, {&packed});
  return out;
}

#define SKIP_WITHOUT_AMX() \
  if (!amx_tiles_usable()) GTEST_SKIP() << "no AMX-BF16 here (or the OS refused the tile state)"

TEST(AmxBf16, MatchesFloat64OnAwkwardShapes) {
  SKIP_WITHOUT_AMX();
  uint64_t seed = 10;
  for (int64_t N : {1, 15, 17, 40, 200})
    for (int64_t K : {32, 64, 576})
      for (int64_t M : {1, 3, 16, 17, 31, 32, 33, 50, 64, 70}) {
        const at::Tensor x = random_bf16({M, K}, ++seed), w = random_bf16({N, K}, ++seed);
        const at::Tensor bias = random_bf16({N}, ++seed).to(at::kFloat);
        const at::Tensor got = run(x, w, bias).to(at::kDouble);
        const at::Tensor want = reference_product(x, w, bias);
        const double tolerance = 1e-6 * K * (1 + want.abs().max().item<double>());
        EXPECT_LE((got - want).abs().max().item<double>(), tolerance) << "M " << M << " N " << N << " K " << K;
      }
}

TEST(AmxBf16, ARowsSumsDoNotDependOnTheBatch) {
  SKIP_WITHOUT_AMX();
  const at::Tensor w = random_bf16({75, 128}, 3), x = random_bf16({70, 128}, 4);
  const at::Tensor batched = run(x, w, at::Tensor());
  for (int64_t m : {0, 15, 16, 31, 32, 69}) {
    const at::Tensor alone = run(x.narrow(0, m, 1).contiguous(), w, at::Tensor());
    EXPECT_TRUE(at::equal(alone[0], batched[m])) << "row " << m;
  }
  for (int64_t M : {2, 16, 17, 33})
    EXPECT_TRUE(at::equal(run(x.narrow(0, 0, M).contiguous(), w, at::Tensor()), batched.narrow(0, 0, M)))
        << "M " << M;
}

TEST(AmxBf16, SeveralOutputsInOneCallWithStridesAndAccumulation) {
  SKIP_WITHOUT_AMX();
  const int64_t M = 20, K = 96;
  const at::Tensor x = random_bf16({M, K}, 5);
  const at::Tensor wq = random_bf16({40, K}, 6), wk = random_bf16({24, K}, 7), wv = random_bf16({16, K}, 8);
  const at::Tensor bq = random_bf16({40}, 9).to(at::kFloat);
  const PackedBf16 pq = pack_bf16(wq), pk = pack_bf16(wk), pv = pack_bf16(wv);
  // q into columns 0..39 of a wider buffer; k added onto what its buffer holds; v plain.
  at::Tensor wide = at::full({M, 50}, 7.0f, at::TensorOptions().dtype(at::kFloat));
  at::Tensor acc = random_bf16({M, 24}, 10).to(at::kFloat);
  at::Tensor v = at::zeros({M, 16}, at::TensorOptions().dtype(at::kFloat));
  const at::Tensor acc_before = acc.clone();
  linear_amx_bf16(x,
                  {{&wq, bq.data_ptr<float>(), wide.data_ptr<float>(), 50, false, &pq},
                   {&wk, nullptr, acc.data_ptr<float>(), 24, true, &pk},
                   {&wv, nullptr, v.data_ptr<float>(), 16, false, &pv}},
                  {&pq, &pk, &pv});
  EXPECT_LE((wide.narrow(1, 0, 40).to(at::kDouble) - reference_product(x, wq, bq)).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(at::equal(wide.narrow(1, 40, 10), at::full({M, 10}, 7.0f, wide.options())))
      << "columns past the output were written";
  EXPECT_LE((acc.to(at::kDouble) - (acc_before.to(at::kDouble) + reference_product(x, wk, at::Tensor())))
                .abs().max().item<double>(), 1e-4);
  EXPECT_LE((v.to(at::kDouble) - reference_product(x, wv, at::Tensor())).abs().max().item<double>(), 1e-4);
}

TEST(AmxBf16, RefusesInputsThatAreNotWholeTiles) {
  SKIP_WITHOUT_AMX();
  EXPECT_FALSE(amx_fits(48));
  EXPECT_TRUE(amx_fits(576));
  const at::Tensor w = random_bf16({16, 48}, 1);
  EXPECT_THROW(run(random_bf16({2, 48}, 2), w, at::Tensor()), Error);
}

}  // namespace
}  // namespace regenesis::kernels
