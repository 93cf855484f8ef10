// `serve --adapter`: a PEFT LoRA adapter with random (non-zero) weights changes what the server
// says, and the greedy answer equals an independent greedy loop over the base model with the
// adapter applied unmerged (full forward per token, argmax), decoded by the tokenizer.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "model/lora_settings.h"
#include "model/transformer.h"
#include "serve_fixture.h"
#include "serve_process.h"
#include "text/tokenizer.h"

namespace regenesis {
namespace {

using nlohmann::json;

// Writes an adapter on every projection of the tiny model with B drawn at random (PEFT's init
// has B = 0, which would change nothing).
void write_random_adapter(const std::filesystem::path& dir) {
  Transformer model = Transformer::load(test::tiny_model_dir());
  LoraSettings settings;
  settings.rank = 4;
  settings.alpha = 8;
  settings.target_modules = lora_module_names();
  model.add_lora(settings, /*seed=*/5);
  at::manual_seed(17);
  {
    at::NoGradGuard no_grad;
    for (auto& [name, tensor] : model.lora_parameters())
      if (name.find("lora_B") != std::string::npos) tensor.copy_(at::randn_like(tensor) * 0.5);
  }
  model.save_lora(dir, test::tiny_model_dir().string());
}

std::string reference_greedy(Transformer& model, std::vector<int64_t> tokens, int max_new) {
  const TorchEngine& engine = test::reference_engine();
  const int64_t candidates =
      std::min<int64_t>(model.config().vocab_size, static_cast<int64_t>(engine.tokenizer().vocab_size()));
  c10::InferenceMode guard;
  std::vector<int32_t> out;
  for (int i = 0; i < max_new; ++i) {
    at::Tensor input = at::tensor(tokens, at::kLong).view({1, -1});
    const int64_t next = model.forward_full(input)[0][-1].slice(0, 0, candidates).argmax().item<int64_t>();
    if (std::count(engine.eos_ids().begin(), engine.eos_ids().end(), next)) break;
    out.push_back(static_cast<int32_t>(next));
    tokens.push_back(next);
  }
  return engine.tokenizer().decode(out, /*skip_special_tokens=*/true);
}

TEST(ServeAdapter, ServesTheBaseModelWithTheAdapterApplied) {
  test::TempDir dir;
  const auto adapter = dir / "adapter";
  write_random_adapter(adapter);
  const std::string prompt = "An adapter changes the answer:";
  constexpr int kTokens = 12;

  GenerationRequest request;
  request.prompt = prompt;
  Transformer adapted = Transformer::load(test::tiny_model_dir(), at::kFloat, adapter);
  const std::string want = reference_greedy(adapted, test::reference_engine().prompt_tokens(request), kTokens);
  request.params.temperature = 0;
  request.params.max_tokens = kTokens;
  const std::string base_text = test::reference_result(request).completions[0].text;
  ASSERT_NE(want, base_text) << "the random adapter should change the greedy answer";

  test::ServeProcess server(test::serve_args({"--adapter", adapter.string()}));
  const auto reply = test::post_json(server.port(), "/v1/completions",
                                     {{"model", "tiny"}, {"prompt", prompt}, {"max_tokens", kTokens}, {"temperature", 0}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["choices"][0]["text"], want);
  EXPECT_EQ(server.terminate(), 0) << server.stderr_text();
}

TEST(ServeAdapter, NotAnAdapterIsAClearError) {
  test::TempDir dir;
  const auto result = test::run_regenesis({"serve", "--model", test::tiny_model_dir().string(), "--port", "0",
                                           "--adapter", dir.path().string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("not a PEFT adapter"), std::string::npos) << result.err;
  const auto missing = test::run_regenesis({"serve", "--model", test::tiny_model_dir().string(), "--port", "0",
                                            "--adapter", (dir / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("adapter directory not found"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace regenesis
