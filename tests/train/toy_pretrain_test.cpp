// The toy pretraining library (train/toy_pretrain.h): the model shape and its checks, the
// tokenizer learned from the corpus (numbers below 100 whole, or digits apart with split_digits;
// text round-trips), the initial model
// loading with the project's loaders, settings that refuse a mixed resume, and a run that resumes
// from an interrupted run's checkpoint ending with the same bytes as an uninterrupted one.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/transformer.h"
#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/toy_pretrain.h"
#include "train/trainer.h"
#include "train_fixtures.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

// A corpus in the toy corpus's shape (chat lines), small enough to train on in a second.
void write_small_corpus(const std::filesystem::path& path, int examples) {
  std::vector<std::string> lines;
  for (int i = 0; i < examples; ++i) {
    const int a = 3 + i % 17, b = 2 + i % 5;
    lines.push_back(test::chat_line(
        "Solve step by step.\nTom has " + std::to_string(a) + " apples. He buys " + std::to_string(b) +
            " more apples. How many apples does Tom have now?",
        "Let's think step by step.\n\n1. Tom starts with " + std::to_string(a) + " apples. He buys " +
            std::to_string(b) + ", so he has " + std::to_string(a) + " + " + std::to_string(b) + " = " +
            std::to_string(a + b) + " apples.\n\nThe answer is \\boxed{" + std::to_string(a + b) + "}."));
  }
  test::write_lines(path, lines);
}

ToyPretrainOptions micro_options(const std::filesystem::path& out) {
  ToyPretrainOptions o;
  o.out = out;
  o.seed = 3;
  o.steps = 4;
  o.batch_size = 2;
  o.learning_rate = 1e-2;
  o.dtype = "f32";
  o.threads = 1;
  o.save_every = 1;
  o.shape.hidden = 16;
  o.shape.layers = 1;
  o.shape.heads = 2;
  o.shape.kv_heads = 1;
  o.shape.intermediate = 32;
  o.shape.max_positions = 128;
  o.shape.vocab_limit = 320;
  return o;
}

TEST(ToyPretrain, ConfigRoundsTheVocabAndTiesTheEmbeddings) {
  ToyModelShape shape;
  shape.hidden = 64, shape.heads = 4, shape.kv_heads = 2, shape.layers = 3, shape.intermediate = 100;
  const ModelConfig c = toy_model_config(shape, 700);
  EXPECT_EQ(c.vocab_size, 704);
  EXPECT_EQ(toy_model_config(shape, 704).vocab_size, 704);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.num_key_value_heads, 2);
  EXPECT_EQ(c.num_hidden_layers, 3);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.eos_token_ids, std::vector<int64_t>{2});
  // The config survives the HF config.json reader.
  EXPECT_EQ(ModelConfig::from_json(nlohmann::json::parse(c.to_json().dump()), "toy").vocab_size, 704);
}

TEST(ToyPretrain, BadOptionsNameTheFlag) {
  test::TempDir dir;
  auto expect_error = [&](ToyPretrainOptions o, const std::string& flag) {
    try {
      o.validate();
      ADD_FAILURE() << "no error for " << flag;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
    }
  };
  ToyPretrainOptions o = micro_options(dir.path());
  o.shape.heads = 3;
  expect_error(o, "--heads");
  o = micro_options(dir.path());
  o.shape.kv_heads = 2, o.shape.heads = 2, o.shape.hidden = 18;  // head size 9: odd
  expect_error(o, "even");
  o = micro_options(dir.path());
  o.steps = 0;
  expect_error(o, "--steps");
  o = micro_options(dir.path());
  o.shape.vocab_limit = 100;
  expect_error(o, "--vocab");
}

TEST(ToyPretrain, InitialModelLoadsAndItsTokenizerFitsTheCorpus) {
  test::TempDir dir;
  write_small_corpus(dir / "corpus.jsonl", 30);
  const std::string text = sft_corpus_text(dir / "corpus.jsonl");
  EXPECT_NE(text.find("user\nSolve step by step."), std::string::npos);
  EXPECT_NE(text.find("assistant\nLet's think"), std::string::npos);
  EXPECT_LT(sft_corpus_text(dir / "corpus.jsonl", 2).size(), text.size() / 10);

  ToyModelShape shape = micro_options(dir.path()).shape;
  shape.vocab_limit = 800;  // room for the words and every number below 100
  const ModelConfig config = write_toy_initial_model(dir / "init", text, shape, 5);
  const Tokenizer tokenizer = Tokenizer::load(dir / "init");
  EXPECT_LE(static_cast<int64_t>(tokenizer.vocab_size()), config.vocab_size);
  EXPECT_EQ(config.vocab_size % 64, 0);
  const auto ids = tokenizer.encode(text);
  EXPECT_EQ(tokenizer.decode(ids), text);
  EXPECT_LT(ids.size() * 3, text.size());  // repeated words became tokens
  // Every number below 100 is one token, bare or after a space, even one the corpus lacks (97).
  for (const std::string number : {" 5", " 19", " 97", "97", "0"}) EXPECT_EQ(tokenizer.encode(number).size(), 1u) << number;
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("{97} + 3 = 100")), "{97} + 3 = 100");
  EXPECT_EQ(ChatTemplate::for_model(dir / "init").name(), "chatml");

  // --split-digits: one token per digit.
  ToyModelShape split = shape;
  split.split_digits = true;
  write_toy_initial_model(dir / "split", text, split, 5);
  const Tokenizer digits = Tokenizer::load(dir / "split");
  EXPECT_EQ(digits.encode(" 1234").size(), 5u);  // the space, then the digits
  EXPECT_EQ(digits.decode(digits.encode(text)), text);

  const Transformer model = Transformer::load(dir / "init", at::kFloat);  // every tensor, shape-checked
  EXPECT_EQ(model.config().vocab_size, config.vocab_size);
  EXPECT_EQ(model.config().hidden_size, 16);
}

TEST(ToyPretrain, SettingsOfAnotherRunAreRefused) {
  test::TempDir dir;
  ToyPretrainOptions o = micro_options(dir / "out");
  EXPECT_FALSE(prepare_toy_pretrain(o));
  EXPECT_FALSE(prepare_toy_pretrain(o));  // the same settings: fine, not finished
  o.learning_rate = 5e-3;
  EXPECT_THROW(prepare_toy_pretrain(o), Error);
  // A directory with a model but no settings is someone else's.
  std::filesystem::create_directories(dir / "other");
  write_file_atomic(dir / "other" / "model.safetensors", "x");
  write_file_atomic(dir / "other" / "train_summary.json", "{}");
  EXPECT_THROW(prepare_toy_pretrain(micro_options(dir / "other")), Error);
}

TEST(ToyPretrain, ResumesAnInterruptedRunToTheSameModel) {
  at::set_num_threads(1);
  test::TempDir dir;
  write_small_corpus(dir / "corpus.jsonl", 8);  // steps 4 x batch 2

  const ToyPretrainOptions straight = micro_options(dir / "straight");
  ASSERT_FALSE(prepare_toy_pretrain(straight));
  const ToyPretrainResult a = run_toy_pretrain(straight, dir / "corpus.jsonl");
  EXPECT_EQ(a.steps, 4);
  EXPECT_EQ(a.resumed_from, 0);
  EXPECT_GT(a.parameters, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "straight" / "checkpoints"));
  EXPECT_TRUE(prepare_toy_pretrain(straight));  // finished: a rerun has nothing to do
  EXPECT_TRUE(run_toy_pretrain(straight, dir / "corpus.jsonl").already_done);

  // An interrupted run: the initial model, 2 steps, a checkpoint, then the process dies.
  const ToyPretrainOptions killed = micro_options(dir / "killed");
  ASSERT_FALSE(prepare_toy_pretrain(killed));
  const auto init = dir / "killed" / "pretrain" / "init";
  write_toy_initial_model(init, sft_corpus_text(dir / "corpus.jsonl"), killed.shape, killed.seed);
  {
    const TrainOptions t = toy_pretrain_train_options(killed, init, dir / "corpus.jsonl");
    const Tokenizer tok = Tokenizer::load(init);
    SftStats stats;
    auto data = read_tokenized_sft((dir / "corpus.jsonl").string(), tok, ChatTemplate::for_model(init),
                                   t.max_length, true, stats);
    Trainer trainer(t, Transformer::load(init, at::kFloat), std::move(data), 0);
    trainer.train_step();
    trainer.train_step();
    save_checkpoint(killed.out, trainer.state_json(), trainer.trainable(), trainer.optimizer().state(), 1);
  }
  const ToyPretrainResult b = run_toy_pretrain(killed, dir / "corpus.jsonl");
  EXPECT_EQ(b.resumed_from, 2);
  EXPECT_EQ(read_file(dir / "killed" / "model.safetensors"), read_file(dir / "straight" / "model.safetensors"));
  EXPECT_EQ(read_file(dir / "killed" / "tokenizer.json"), read_file(dir / "straight" / "tokenizer.json"));
}

}  // namespace
}  // namespace regenesis
