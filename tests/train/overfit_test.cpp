// End to end on a tiny model: 16 short examples are learned by heart, with LoRA and with full
// fine-tuning; greedy decoding of the trained model (base + adapter from disk, or the written
// full model) then reproduces every answer.
#include <gtest/gtest.h>

#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/train.h"
#include "train_fixtures.h"
#include "util/json.h"

namespace regenesis {
namespace {

// Greedy decoding with forward_full (no cache: a handful of short answers).
std::string greedy(Transformer& model, const Tokenizer& tok, const ChatTemplate& chat, const std::string& question) {
  std::vector<int32_t> prompt = tok.encode(chat.render({{"user", question}}, true), false);
  std::vector<int64_t> ids(prompt.begin(), prompt.end());
  const int32_t end = *tok.token_to_id("<|im_end|>");
  std::vector<int32_t> answer;
  at::NoGradGuard no_grad;
  for (int step = 0; step < 24; ++step) {
    const at::Tensor logits = model.forward_full(test::long_tensor(ids).unsqueeze(0));
    const int32_t next = static_cast<int32_t>(logits[0][-1].argmax().item<int64_t>());
    if (next == end) return tok.decode(answer);
    answer.push_back(next);
    ids.push_back(next);
  }
  return tok.decode(answer) + "(no end of turn)";
}

struct OverfitRun {
  std::filesystem::path base, out;
  std::vector<double> losses;
};

OverfitRun train(const test::TempDir& dir, TrainOptions options) {
  OverfitRun run{dir / "base", dir / "out", {}};
  test::write_tiny_model(run.base, /*head_scale=*/4.0);
  std::vector<std::string> lines;
  for (const auto& [q, a] : test::overfit_pairs()) lines.push_back(test::chat_line(q, a));
  test::write_lines(dir / "sft.jsonl", lines);
  options.model_dir = run.base;
  options.data_path = dir / "sft.jsonl";
  options.out_dir = run.out;
  options.threads = 1;
  run_training(options);
  for_each_jsonl(run.out / "train_log.jsonl", [&](const Json& line, long) { run.losses.push_back(line["loss"]); });
  return run;
}

void expect_reproduces_answers(Transformer& model, const std::filesystem::path& tokenizer_dir) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir);
  const ChatTemplate chat = ChatTemplate::for_model(tokenizer_dir);
  for (const auto& [q, a] : test::overfit_pairs()) EXPECT_EQ(greedy(model, tok, chat, q), a) << q;
}

TEST(Overfit, LoraLearnsSixteenExamplesByHeart) {
  test::TempDir dir;
  TrainOptions options;
  options.mode = "lora";
  options.lora.rank = 16;
  options.lora.alpha = 32;
  options.lora.target_modules = lora_module_names();
  options.learning_rate = 1e-2;
  options.schedule = "constant";
  options.epochs = 40;
  options.batch_size = 16;
  const OverfitRun run = train(dir, options);
  ASSERT_EQ(run.losses.size(), 40u);
  EXPECT_GT(run.losses.front(), 3.0);
  EXPECT_LT(run.losses.back(), 0.05);
  Transformer model = Transformer::load(run.base, at::kFloat, run.out);
  expect_reproduces_answers(model, run.out);
}

TEST(Overfit, FullFineTuningLearnsSixteenExamplesByHeart) {
  test::TempDir dir;
  TrainOptions options;
  options.mode = "full";
  options.learning_rate = 3e-3;
  options.schedule = "constant";
  options.epochs = 30;
  options.batch_size = 16;
  const OverfitRun run = train(dir, options);
  ASSERT_EQ(run.losses.size(), 30u);
  EXPECT_GT(run.losses.front(), 3.0);
  EXPECT_LT(run.losses.back(), 0.05);
  Transformer model = Transformer::load(run.out, at::kFloat);
  expect_reproduces_answers(model, run.out);
}

}  // namespace
}  // namespace regenesis
