// Gradients of the training loss (Transformer with LoRA, target selection, packed rows, activation
// checkpointing) against central finite differences in float64, and the training forward against
// forward_full.
#include <gtest/gtest.h>

#include "train/micro_batch.h"
#include "train_fixtures.h"

namespace regenesis {
namespace {

TokenizedExample example(std::vector<int32_t> tokens, std::vector<uint8_t> loss) {
  TokenizedExample e;
  e.tokens = std::move(tokens);
  e.loss = std::move(loss);
  return e;
}

// Two examples of different lengths; targets are the tail of each.
std::vector<TokenizedExample> two_examples() {
  return {example({0, 5, 9, 3, 17, 22, 2}, {0, 0, 0, 1, 1, 1, 1}),
          example({0, 7, 11, 30, 2}, {0, 0, 1, 1, 1})};
}

MicroBatch rows_of(std::vector<std::vector<size_t>> rows, const std::vector<TokenizedExample>& data) {
  MicroBatch micro;
  for (auto& examples : rows) {
    PackedRow row;
    for (size_t e : examples) row.length += static_cast<int64_t>(data[e].tokens.size());
    row.examples = std::move(examples);
    micro.rows.push_back(std::move(row));
  }
  return micro;
}

Transformer lora_model(double dropout = 0) {
  const ModelConfig config = test::micro_config();
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 21), at::kDouble);
  LoraSettings lora;
  lora.rank = 2;
  lora.alpha = 3;
  lora.dropout = dropout;
  lora.target_modules = lora_module_names();
  model.add_lora(lora, 5);
  // B starts at zero (PEFT init), which would make every A gradient zero: give B values.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(99);
  at::NoGradGuard no_grad;
  for (auto& [name, tensor] : model.lora_parameters())
    if (name.find("lora_B") != std::string::npos)
      tensor.copy_(at::randn(tensor.sizes(), gen, tensor.options()) * 0.3);
  return model;
}

// The tensors whose gradients the checks read: every adapter, plus some base weights.
std::vector<std::pair<std::string, at::Tensor>> checked_tensors(Transformer& model) {
  auto tensors = model.lora_parameters();
  for (auto& [name, tensor] : model.named_parameters())
    if (name == "model.embed_tokens.weight" || name == "model.layers.1.self_attn.k_proj.weight" ||
        name == "model.layers.0.post_attention_layernorm.weight" || name == "lm_head.weight")
      tensors.emplace_back(name, tensor);
  for (auto& [name, tensor] : tensors) tensor.set_requires_grad(true);
  return tensors;
}

std::map<std::string, at::Tensor> gradients(Transformer& model, const MicroBatchTensors& batch,
                                            bool checkpointed) {
  auto tensors = checked_tensors(model);
  for (auto& [name, tensor] : tensors) tensor.mutable_grad().reset();
  model.set_lora_training(true, 77);
  forward_backward(model, batch, 1.0, checkpointed, false);
  std::map<std::string, at::Tensor> out;
  for (auto& [name, tensor] : tensors) out[name] = tensor.grad().clone();
  return out;
}

TEST(TrainGradients, MatchCentralFiniteDifferencesInFloat64) {
  Transformer model = lora_model();
  const auto data = two_examples();
  const MicroBatchTensors batch = make_micro_batch(data, rows_of({{0}, {1}}, data), 0);
  const auto grads = gradients(model, batch, false);

  auto loss = [&] {
    at::NoGradGuard no_grad;
    return target_nll_sum(model, batch).item<double>();
  };
  const double eps = 1e-6;
  int checked = 0;
  for (auto& [name, tensor] : checked_tensors(model)) {
    at::Tensor flat = tensor.detach().view({-1});
    const at::Tensor grad = grads.at(name).view({-1});
    ASSERT_EQ(grad.scalar_type(), at::kDouble);
    for (int64_t index : {int64_t{0}, flat.numel() / 2, flat.numel() - 1}) {
      const double original = flat[index].item<double>();
      flat[index] = original + eps;
      const double up = loss();
      flat[index] = original - eps;
      const double down = loss();
      flat[index] = original;
      const double numeric = (up - down) / (2 * eps);
      const double analytic = grad[index].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-7 + 1e-6 * std::abs(numeric)) << name << "[" << index << "]";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3 * (2 * 7 * 2 + 4));
  // The gradients are not all trivially zero.
  double total = 0;
  for (auto& [name, grad] : grads) total += grad.abs().sum().item<double>();
  EXPECT_GT(total, 1.0);
}

TEST(TrainGradients, PackedRowsGiveTheLossAndGradientsOfSeparateRows) {
  Transformer model = lora_model();
  const auto data = two_examples();
  const MicroBatchTensors separate = make_micro_batch(data, rows_of({{0}, {1}}, data), 0);
  const MicroBatchTensors packed = make_micro_batch(data, rows_of({{0, 1}}, data), 0);
  ASSERT_TRUE(packed.inputs.segments.defined());
  ASSERT_FALSE(separate.inputs.segments.defined());
  ASSERT_TRUE(at::equal(separate.targets, packed.targets));
  {
    at::NoGradGuard no_grad;
    EXPECT_NEAR(target_nll_sum(model, separate).item<double>(), target_nll_sum(model, packed).item<double>(), 1e-10);
  }
  const auto a = gradients(model, separate, false), b = gradients(model, packed, false);
  for (auto& [name, grad] : a) EXPECT_TRUE(at::allclose(grad, b.at(name), 0, 1e-10)) << name;
}

TEST(TrainGradients, ActivationCheckpointingGivesTheSameGradientsWithDropout) {
  // Dropout on: the recomputed layers must see the masks of the first pass.
  Transformer model = lora_model(/*dropout=*/0.3);
  const auto data = two_examples();
  const MicroBatchTensors batch = make_micro_batch(data, rows_of({{0}, {1}}, data), 0);
  const auto plain = gradients(model, batch, false), checkpointed = gradients(model, batch, true);
  for (auto& [name, grad] : plain)
    EXPECT_TRUE(at::allclose(grad, checkpointed.at(name), 0, 1e-12)) << name;
}

TEST(TrainGradients, DropoutIsSeededAndOffOutsideTraining) {
  Transformer model = lora_model(/*dropout=*/0.5);
  const at::Tensor tokens = test::long_tensor({0, 5, 9, 3, 17}).unsqueeze(0);
  at::NoGradGuard no_grad;
  model.set_lora_training(false);
  const at::Tensor eval = model.forward_full(tokens);
  model.set_lora_training(true, 1);
  const at::Tensor first = model.forward_full(tokens), again = model.forward_full(tokens);
  model.set_lora_training(true, 2);
  const at::Tensor other = model.forward_full(tokens);
  EXPECT_TRUE(at::equal(first, again));
  EXPECT_FALSE(at::allclose(first, other));
  EXPECT_FALSE(at::allclose(first, eval));
  model.set_lora_training(false);
  EXPECT_TRUE(at::equal(model.forward_full(tokens), eval));
}

TEST(TrainForward, UnpackedTrainingForwardIsForwardFull) {
  const ModelConfig config = test::micro_config();
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 4), at::kFloat);
  const at::Tensor tokens = test::long_tensor({0, 5, 9, 3, 17, 22, 2, 8, 1, 0, 4, 6}).view({2, 6});
  const at::Tensor full = model.forward_full(tokens);
  EXPECT_TRUE(at::equal(model.forward_train(TrainingBatch{tokens, {}, {}}), full));
  // Fresh adapters (B = 0) change nothing.
  LoraSettings lora;
  lora.target_modules = lora_module_names();
  model.add_lora(lora, 1);
  EXPECT_TRUE(at::equal(model.forward_full(tokens), full));
}

}  // namespace
}  // namespace regenesis
