// Transformer against the independent float64 reference (tiny_models.h), and the cached forward
// against the full one: decode step by step, mixed batches, forked slots.
#include "model/transformer.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "tiny_models.h"
#include "util/error.h"

namespace regenesis {
namespace {

const std::vector<int64_t> kTokens = {1, 7, 23, 4, 39, 12, 5};

at::Tensor long_tensor(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::TensorOptions().dtype(at::kLong));
}

class FamilyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FamilyTest, FullForwardMatchesFloat64Reference) {
  test::TempDir dir;
  const ModelConfig config = test::tiny_config(GetParam());
  const auto weights = test::random_weights(config, 11);
  test::write_model_dir(dir.path(), config, weights);

  Transformer model = Transformer::load(dir.path(), at::kFloat);
  EXPECT_EQ(model.config().architecture, config.architecture);
  at::Tensor logits = model.forward_full(long_tensor(kTokens).unsqueeze(0));
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{1, 7, config.vocab_size}));
  EXPECT_EQ(logits.scalar_type(), at::kFloat);

  const auto reference = test::reference_logits(config, weights, kTokens);
  EXPECT_LT(test::max_abs_diff(logits[0], reference), 1e-4);
  // The logits are not trivially small, so the tolerance above means something.
  EXPECT_GT(logits.abs().max().item<double>(), 0.5);
}

TEST_P(FamilyTest, CachedDecodeEqualsFullForward) {
  const ModelConfig config = test::tiny_config(GetParam());
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 5), at::kFloat);
  at::Tensor full = model.forward_full(long_tensor(kTokens).unsqueeze(0))[0];  // [T, V]

  KVCache cache(config, /*num_slots=*/2, /*max_seq_len=*/16, at::kFloat);
  const auto slot = long_tensor({1});
  // Prefill three tokens at once, then one token per step.
  at::Tensor prefill = model.forward(long_tensor({kTokens[0], kTokens[1], kTokens[2]}).unsqueeze(0),
                                     slot, long_tensor({0}), long_tensor({3}), cache, false);
  EXPECT_TRUE(at::allclose(prefill[0], full.narrow(0, 0, 3), 0, 1e-5));
  for (int64_t t = 3; t < 7; ++t) {
    at::Tensor step = model.forward(long_tensor({kTokens[t]}).unsqueeze(0), slot, long_tensor({t}),
                                    long_tensor({1}), cache, true);
    ASSERT_EQ(step.sizes(), (std::vector<int64_t>{1, config.vocab_size}));
    EXPECT_TRUE(at::allclose(step[0], full[t], 0, 1e-5)) << "position " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Families, FamilyTest,
                         ::testing::Values("llama", "llama3", "qwen2", "mistral"));

TEST(Transformer, Llama3ScalingChangesTheLogits) {
  // Guards the reference test above: with these weights, dropping the scaling is visible.
  ModelConfig scaled = test::tiny_config("llama3");
  ModelConfig plain = scaled;
  plain.rope_scaling.reset();
  const auto weights = test::random_weights(scaled, 3);
  const std::vector<int64_t> tokens = {1, 7, 23, 4, 39, 12, 5, 8, 9, 10, 11, 30};
  at::Tensor a = Transformer::from_tensors(scaled, weights, at::kFloat).forward_full(long_tensor(tokens).unsqueeze(0));
  at::Tensor b = Transformer::from_tensors(plain, weights, at::kFloat).forward_full(long_tensor(tokens).unsqueeze(0));
  EXPECT_GT((a - b).abs().max().item<double>(), 1e-3);
  EXPECT_LT(test::max_abs_diff(a[0], test::reference_logits(scaled, weights, tokens)), 1e-4);
}

TEST(Transformer, BatchOfRowsEqualsEachRowAlone) {
  const ModelConfig config = test::tiny_config("llama");
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 8), at::kFloat);
  const std::vector<std::vector<int64_t>> seqs = {{1, 5, 9, 13, 17, 21, 25}, {1, 6, 10, 14, 18, 22, 26},
                                                  {1, 7, 11, 15, 19, 23, 27}};
  // Two rounds with different chunk lengths per row, rows in non-trivial cache slots.
  const std::vector<std::vector<int64_t>> chunks = {{5, 2, 3}, {1, 4, 2}};
  const std::vector<int64_t> slots = {2, 0, 3};

  KVCache batch_cache(config, 4, 12, at::kFloat);
  std::vector<int64_t> start = {0, 0, 0};
  for (const auto& lengths : chunks) {
    const int64_t width = *std::max_element(lengths.begin(), lengths.end());
    at::Tensor tokens = at::full({3, width}, 33, at::TensorOptions().dtype(at::kLong));  // padding
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t i = 0; i < lengths[r]; ++i) tokens[r][i] = seqs[r][start[r] + i];
    at::Tensor batch = model.forward(tokens, long_tensor(slots), long_tensor(start), long_tensor(lengths),
                                     batch_cache, false);
    at::Tensor last = model.forward(tokens, long_tensor(slots), long_tensor(start), long_tensor(lengths),
                                    batch_cache, true);  // rewrites the same K/V: harmless
    for (int64_t r = 0; r < 3; ++r) {
      // The same row alone, in its own cache, from the beginning.
      KVCache alone_cache(config, 1, 12, at::kFloat);
      std::vector<int64_t> prefix(seqs[r].begin(), seqs[r].begin() + start[r] + lengths[r]);
      at::Tensor alone = model.forward(long_tensor(prefix).unsqueeze(0), long_tensor({0}), long_tensor({0}),
                                       long_tensor({static_cast<int64_t>(prefix.size())}), alone_cache, false)[0];
      at::Tensor mine = batch[r].narrow(0, 0, lengths[r]);
      EXPECT_TRUE(at::allclose(mine, alone.narrow(0, start[r], lengths[r]), 0, 1e-5)) << "row " << r;
      EXPECT_TRUE(at::allclose(last[r], alone[prefix.size() - 1], 0, 1e-5)) << "row " << r;
    }
    for (int64_t r = 0; r < 3; ++r) start[r] += lengths[r];
  }
}

TEST(Transformer, CopySlotForkEqualsRePrefill) {
  const ModelConfig config = test::tiny_config("qwen2");
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 9), at::kFloat);
  KVCache cache(config, 3, 10, at::kFloat);
  const auto prompt = long_tensor({1, 4, 8, 15, 16}).unsqueeze(0);
  const auto prompt_len = long_tensor({5});
  // Slot 1 first holds another sequence, so a copy that missed anything would show.
  model.forward(long_tensor({3, 3, 3, 3, 3, 3, 3}).unsqueeze(0), long_tensor({1}), long_tensor({0}),
                long_tensor({7}), cache, true);
  model.forward(prompt, long_tensor({0}), long_tensor({0}), prompt_len, cache, true);
  cache.copy_slot(0, 1, 5);
  model.forward(prompt, long_tensor({2}), long_tensor({0}), prompt_len, cache, true);  // re-prefill

  const auto next = long_tensor({23, 23}).unsqueeze(1);
  at::Tensor out = model.forward(next, long_tensor({1, 2}), long_tensor({5, 5}), long_tensor({1, 1}), cache);
  EXPECT_TRUE(at::allclose(out[0], out[1], 0, 1e-6));
  at::Tensor full = model.forward_full(long_tensor({1, 4, 8, 15, 16, 23}).unsqueeze(0))[0][5];
  EXPECT_TRUE(at::allclose(out[0], full, 0, 1e-5));
  EXPECT_THROW(cache.copy_slot(0, 3, 5), Error);
  EXPECT_THROW(cache.copy_slot(0, 1, 11), Error);
}

TEST(Transformer, KVCacheSizeAndRangeChecks) {
  const ModelConfig config = test::tiny_config("llama");  // 2 layers, 2 kv heads, head_dim 4
  KVCache cache(config, 3, 10, at::kBFloat16);
  EXPECT_EQ(cache.bytes(), size_t(2 * 2 * 3 * 2 * 10 * 4 * 2));  // layers*(K,V)*slots*kv*len*hd*2B
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 1), at::kBFloat16);
  auto one = long_tensor({1}).unsqueeze(0);
  EXPECT_THROW(model.forward(one, long_tensor({3}), long_tensor({0}), long_tensor({1}), cache), Error);
  EXPECT_THROW(model.forward(one, long_tensor({0}), long_tensor({10}), long_tensor({1}), cache), Error);
  EXPECT_THROW(model.forward(one, long_tensor({0}), long_tensor({0}), long_tensor({2}), cache), Error);
  auto two = long_tensor({1, 2}).unsqueeze(1);
  EXPECT_THROW(model.forward(two, long_tensor({1, 1}), long_tensor({0, 0}), long_tensor({1, 1}), cache), Error);
  KVCache fp32_cache(config, 1, 10, at::kFloat);
  EXPECT_THROW(model.forward(one, long_tensor({0}), long_tensor({0}), long_tensor({1}), fp32_cache), Error);
}

TEST(Transformer, Bfloat16StaysCloseToFloat32) {
  const ModelConfig config = test::tiny_config("llama");
  const auto weights = test::random_weights(config, 4);
  auto tokens = long_tensor(kTokens).unsqueeze(0);
  Transformer bf16 = Transformer::from_tensors(config, weights, at::kBFloat16);
  EXPECT_EQ(bf16.named_parameters()[0].second.scalar_type(), at::kBFloat16);
  at::Tensor full = bf16.forward_full(tokens);
  EXPECT_EQ(full.scalar_type(), at::kFloat);
  at::Tensor ref = Transformer::from_tensors(config, weights, at::kFloat).forward_full(tokens);
  EXPECT_LT((full - ref).abs().max().item<double>(), 0.15);

  KVCache cache(config, 1, 8, at::kBFloat16);
  at::Tensor cached = bf16.forward(tokens, long_tensor({0}), long_tensor({0}), long_tensor({7}), cache, false);
  EXPECT_LT((cached - full).abs().max().item<double>(), 0.05);
}

TEST(Transformer, NamedParametersUseHfNamesAndShareStorage) {
  ModelConfig config = test::tiny_config("qwen2");  // tied, with biases
  const auto weights = test::random_weights(config, 2);
  Transformer model = Transformer::from_tensors(config, weights, at::kFloat);
  auto params = model.named_parameters();
  ASSERT_EQ(params.size(), weights.size());
  for (const auto& [name, tensor] : params) {
    ASSERT_TRUE(weights.count(name)) << name;
    EXPECT_TRUE(at::equal(tensor, weights.at(name))) << name;
  }
  // Editing a parameter in place changes the model: the list holds the live weights.
  at::Tensor before = model.forward_full(long_tensor({1, 2, 3}).unsqueeze(0));
  for (auto& [name, tensor] : params)
    if (name == "model.norm.weight") tensor.mul_(2);
  EXPECT_FALSE(at::allclose(before, model.forward_full(long_tensor({1, 2, 3}).unsqueeze(0))));
}

TEST(Transformer, GradientMatchesFiniteDifference) {
  const ModelConfig config = test::tiny_config("qwen2");
  Transformer model = Transformer::from_tensors(config, test::random_weights(config, 6), at::kDouble);
  at::Tensor weight;
  for (auto& [name, tensor] : model.named_parameters()) {
    tensor.requires_grad_(true);
    if (name == "model.layers.0.self_attn.k_proj.weight") weight = tensor;
  }
  auto tokens = long_tensor({1, 9, 17, 33}).unsqueeze(0);
  auto loss_of = [&] { return model.forward_full(tokens).to(at::kDouble).logsumexp(-1).sum(); };
  at::Tensor loss = loss_of();
  loss.backward();
  ASSERT_TRUE(weight.grad().defined());
  const double analytic = weight.grad()[2][3].item<double>();

  const double h = 1e-6;
  double numeric;
  {
    at::NoGradGuard no_grad;
    weight[2][3] += h;
    const double up = loss_of().item<double>();
    weight[2][3] -= 2 * h;
    const double down = loss_of().item<double>();
    weight[2][3] += h;
    numeric = (up - down) / (2 * h);
  }
  EXPECT_GT(std::abs(analytic), 1e-4);
  EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-4 * std::abs(numeric));
}

TEST(Transformer, LoadErrorsNameFileAndTensor) {
  const ModelConfig config = test::tiny_config("llama");
  auto weights = test::random_weights(config, 1);
  {
    test::TempDir dir;
    auto missing = weights;
    missing.erase("model.layers.1.mlp.up_proj.weight");
    test::write_model_dir(dir.path(), config, missing);
    try {
      Transformer::load(dir.path());
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("model.layers.1.mlp.up_proj.weight"), std::string::npos);
    }
  }
  {
    test::TempDir dir;
    auto wrong = weights;
    wrong["model.layers.0.self_attn.k_proj.weight"] = at::zeros({12, 24});
    test::write_model_dir(dir.path(), config, wrong);
    try {
      Transformer::load(dir.path());
      FAIL() << "expected an error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("model.safetensors"), std::string::npos) << message;
      EXPECT_NE(message.find("model.layers.0.self_attn.k_proj.weight"), std::string::npos) << message;
      EXPECT_NE(message.find("[8, 24]"), std::string::npos) << message;
    }
  }
  {
    test::TempDir dir;  // untied config without lm_head.weight
    auto tied_weights = weights;
    tied_weights.erase("lm_head.weight");
    test::write_model_dir(dir.path(), config, tied_weights);
    EXPECT_THROW(Transformer::load(dir.path()), Error);
    ModelConfig tied = config;
    tied.tie_word_embeddings = true;
    tied.save(dir.path());
    Transformer model = Transformer::load(dir.path());
    EXPECT_EQ(model.named_parameters().size(), tied_weights.size());
  }
}

}  // namespace
}  // namespace regenesis
