// AdamW against a hand computation of the textbook update, gradient clipping, and the learning-rate
// schedules against their formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "train/adamw.h"
#include "train/lr_schedule.h"
#include "util/error.h"

namespace regenesis {
namespace {

at::Tensor doubles(std::vector<double> values, std::vector<int64_t> shape) {
  return at::tensor(at::ArrayRef<double>(values), at::TensorOptions().dtype(at::kDouble)).view(shape).clone();
}

TEST(AdamW, MatchesAHandComputationWithDecoupledDecay) {
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
  at::Tensor matrix = doubles({1.0, -2.0}, {1, 2});  // 2-D: decayed
  at::Tensor norm = doubles({0.5}, {1});             // 1-D: exempt from decay
  matrix.set_requires_grad(true);
  norm.set_requires_grad(true);
  AdamW adam({{"matrix", matrix}, {"norm", norm}}, AdamWSettings{b1, b2, eps, wd});

  const std::vector<std::vector<double>> grads = {{0.3, -1.0, 2.0}, {-0.1, 0.4, 0.0}, {0.25, 0.25, -3.0}};
  // The reference: scalar code, textbook form p -= lr * (wd * p + m_hat / (sqrt(v_hat) + eps)),
  // with the decay applied to the parameter before the step (decoupled) and only to the matrix.
  std::vector<double> p = {1.0, -2.0, 0.5}, m(3, 0.0), v(3, 0.0);
  for (size_t t = 1; t <= grads.size(); ++t) {
    const auto& g = grads[t - 1];
    matrix.mutable_grad() = doubles({g[0], g[1]}, {1, 2});
    norm.mutable_grad() = doubles({g[2]}, {1});
    adam.step(lr);
    adam.zero_grad();
    for (size_t i = 0; i < 3; ++i) {
      const double decay = i < 2 ? wd : 0.0;
      p[i] -= lr * decay * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
      p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
    }
    EXPECT_NEAR(matrix[0][0].item<double>(), p[0], 1e-12) << "step " << t;
    EXPECT_NEAR(matrix[0][1].item<double>(), p[1], 1e-12) << "step " << t;
    EXPECT_NEAR(norm[0].item<double>(), p[2], 1e-12) << "step " << t;
  }
  EXPECT_EQ(adam.steps(), 3);
  // The first step moves each parameter by about lr (Adam's normalised step), so the values
  // checked above are far from the starting point.
  EXPECT_GT(std::abs(p[0] - 1.0), 0.2);
}

TEST(AdamW, StateRoundTripsAndATensorWithoutGradientIsLeftAlone) {
  at::Tensor a = doubles({1, 2, 3, 4}, {2, 2}), b = doubles({5}, {1});
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  AdamW adam({{"a", a}, {"b", b}}, AdamWSettings{});
  a.mutable_grad() = doubles({1, -1, 2, 0.5}, {2, 2});
  adam.step(0.01);
  EXPECT_EQ(b.item<double>(), 5.0);
  std::map<std::string, at::Tensor> state;
  for (auto& [name, tensor] : adam.state()) state[name] = tensor.clone();
  ASSERT_EQ(state.size(), 4u);
  EXPECT_GT(state.at("exp_avg_sq.a").abs().sum().item<double>(), 0);
  AdamW restored({{"a", a}, {"b", b}}, AdamWSettings{});
  restored.load_state(state, adam.steps(), "test");
  for (auto& [name, tensor] : restored.state()) EXPECT_TRUE(at::equal(tensor, state.at(name))) << name;
  EXPECT_EQ(restored.steps(), 1);
  state.erase("exp_avg.b");
  EXPECT_THROW(restored.load_state(state, 1, "test"), Error);
}

TEST(ClipGradNorm, ScalesAllGradientsToTheGlobalNorm) {
  at::Tensor a = doubles({0, 0}, {2}), b = doubles({0}, {1});
  a.mutable_grad() = doubles({3, 4}, {2});
  b.mutable_grad() = doubles({12}, {1});
  const std::vector<std::pair<std::string, at::Tensor>> params = {{"a", a}, {"b", b}};
  EXPECT_NEAR(clip_grad_norm(params, 0), 13.0, 1e-12);  // 0: measure only
  EXPECT_EQ(a.grad()[0].item<double>(), 3.0);
  EXPECT_NEAR(clip_grad_norm(params, 1.3), 13.0, 1e-12);
  const double coef = 1.3 / (13.0 + 1e-6);
  EXPECT_NEAR(a.grad()[1].item<double>(), 4 * coef, 1e-12);
  EXPECT_NEAR(b.grad()[0].item<double>(), 12 * coef, 1e-12);
  EXPECT_NEAR(clip_grad_norm(params, 100), 1.3, 1e-5);  // under the limit: unchanged
  EXPECT_NEAR(b.grad()[0].item<double>(), 12 * coef, 1e-12);
}

TEST(LrSchedule, FollowsTheTransformersFormulas) {
  LrSchedule cosine{"cosine", 2.0, 2, 10};
  EXPECT_EQ(cosine.at(0), 0.0);  // HF's first update has rate 0 under warmup
  EXPECT_DOUBLE_EQ(cosine.at(1), 1.0);
  EXPECT_DOUBLE_EQ(cosine.at(2), 2.0);
  EXPECT_NEAR(cosine.at(6), 2.0 * 0.5 * (1 + std::cos(M_PI * 4 / 8)), 1e-15);
  EXPECT_NEAR(cosine.at(4), 2.0 * 0.5 * (1 + std::cos(M_PI * 2 / 8)), 1e-15);
  EXPECT_NEAR(cosine.at(10), 0.0, 1e-15);
  LrSchedule linear{"linear", 1.0, 2, 10};
  EXPECT_DOUBLE_EQ(linear.at(6), 0.5);
  EXPECT_DOUBLE_EQ(linear.at(9), 1.0 / 8);
  LrSchedule constant{"constant", 3.0, 4, 10};
  EXPECT_DOUBLE_EQ(constant.at(1), 0.75);
  EXPECT_DOUBLE_EQ(constant.at(9), 3.0);
  LrSchedule no_warmup{"cosine", 1.0, 0, 4};
  EXPECT_DOUBLE_EQ(no_warmup.at(0), 1.0);
  EXPECT_EQ(warmup_steps_for(0.03, 100), 3);
  EXPECT_EQ(warmup_steps_for(0.03, 10), 1);  // ceil, as transformers rounds
  EXPECT_EQ(warmup_steps_for(0.0, 10), 0);
  EXPECT_THROW(LrSchedule({"step", 1.0, 0, 4}).at(1), Error);
}

}  // namespace
}  // namespace regenesis
