// Checkpoints in process: stopping after some steps, saving, and resuming in a fresh Trainer ends
// with bit-identical weights and optimizer state (float32, same seed and threads), for LoRA with
// dropout and for full fine-tuning with gradient accumulation and packing. A resume with other
// settings is refused.
#include <gtest/gtest.h>

#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train_fixtures.h"
#include "util/error.h"

namespace regenesis {
namespace {

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    test::write_tiny_model(dir_->path() / "base", 2.0);
    const Tokenizer tok = Tokenizer::load(dir_->path() / "base");
    const ChatTemplate chat = ChatTemplate::for_model(dir_->path() / "base");
    std::vector<std::string> lines;
    for (const auto& [q, a] : test::overfit_pairs()) lines.push_back(test::chat_line(q + " Say it twice.", a + " " + a));
    test::write_lines(dir_->path() / "sft.jsonl", lines);
    SftStats stats;
    data_ = new std::vector<TokenizedExample>(
        read_tokenized_sft((dir_->path() / "sft.jsonl").string(), tok, chat, 256, false, stats));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete dir_;
  }

  static Trainer make(const TrainOptions& options) {
    return Trainer(options, Transformer::load(dir_->path() / "base", at::kFloat), *data_, 0);
  }

  // Uninterrupted vs. stopped after `stop` steps, checkpointed, and resumed in a new Trainer.
  static void expect_resume_is_exact(const TrainOptions& options, int64_t stop) {
    Trainer straight = make(options);
    while (!straight.done()) straight.train_step();

    test::TempDir out;
    {
      Trainer first = make(options);
      for (int64_t i = 0; i < stop; ++i) first.train_step();
      save_checkpoint(out.path(), first.state_json(), first.trainable(), first.optimizer().state(), 2);
      first.train_step();  // work after the checkpoint is lost, as in a kill
    }
    Trainer resumed = make(options);
    const auto checkpoint = latest_checkpoint(out.path());
    ASSERT_TRUE(checkpoint.has_value());
    resumed.restore(*checkpoint);
    EXPECT_EQ(resumed.steps_done(), stop);
    while (!resumed.done()) resumed.train_step();

    const auto a = straight.trainable(), b = resumed.trainable();
    ASSERT_EQ(a.size(), b.size());
    bool moved = false;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].first, b[i].first);
      EXPECT_TRUE(at::equal(a[i].second, b[i].second)) << a[i].first;
    }
    const auto sa = straight.optimizer().state(), sb = resumed.optimizer().state();
    for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(at::equal(sa[i].second, sb[i].second)) << sa[i].first;
    // Training did something: the optimizer's first moments are not zero.
    for (const auto& [name, tensor] : sa) moved = moved || tensor.abs().max().item<double>() > 0;
    EXPECT_TRUE(moved);
  }

  static test::TempDir* dir_;
  static std::vector<TokenizedExample>* data_;
};
test::TempDir* Resume::dir_ = nullptr;
std::vector<TokenizedExample>* Resume::data_ = nullptr;

TEST_F(Resume, LoraWithDropoutResumesBitExactly) {
  TrainOptions options;
  options.lora.dropout = 0.1;
  options.lora.target_modules = {"q_proj", "v_proj", "down_proj"};
  options.epochs = 2;
  options.batch_size = 4;
  options.warmup_ratio = 0.2;
  options.schedule = "cosine";
  options.weight_decay = 0.01;
  expect_resume_is_exact(options, 3);  // mid-epoch: 4 steps per epoch
}

TEST_F(Resume, FullWithAccumulationAndPackingResumesBitExactly) {
  TrainOptions options;
  options.mode = "full";
  options.epochs = 2;
  options.batch_size = 2;
  options.grad_accum = 3;
  options.packing = true;
  options.max_length = 64;
  options.clip = 0.5;
  options.schedule = "linear";
  expect_resume_is_exact(options, 2);
}

TEST_F(Resume, OtherSettingsOrDataAreRefused) {
  TrainOptions options;
  options.epochs = 1;
  test::TempDir out;
  {
    Trainer first = make(options);
    first.train_step();
    save_checkpoint(out.path(), first.state_json(), first.trainable(), first.optimizer().state(), 2);
  }
  TrainOptions other = options;
  other.learning_rate = 1e-3;
  Trainer changed = make(other);
  try {
    changed.restore(*latest_checkpoint(out.path()));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos) << e.what();
  }
  std::vector<TokenizedExample> fewer(data_->begin(), data_->end() - 1);
  Trainer other_data(options, Transformer::load(dir_->path() / "base", at::kFloat), fewer, 0);
  try {
    other_data.restore(*latest_checkpoint(out.path()));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("other data"), std::string::npos) << e.what();
  }
}

TEST_F(Resume, CheckpointsAreKeptNewestFirstAndLeftoversIgnored) {
  TrainOptions options;
  Trainer trainer = make(options);
  test::TempDir out;
  for (int i = 0; i < 3; ++i) {
    trainer.train_step();
    save_checkpoint(out.path(), trainer.state_json(), trainer.trainable(), trainer.optimizer().state(), 2);
  }
  // A write that was killed before its rename.
  std::filesystem::create_directories(checkpoints_dir(out.path()) / ".tmp-step-9-123");
  const auto latest = latest_checkpoint(out.path());
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->filename(), "step-00000003");
  EXPECT_FALSE(std::filesystem::exists(checkpoints_dir(out.path()) / ".tmp-step-9-123"));
  EXPECT_FALSE(std::filesystem::exists(checkpoints_dir(out.path()) / "step-00000001"));
  EXPECT_TRUE(std::filesystem::exists(checkpoints_dir(out.path()) / "step-00000002"));
}

}  // namespace
}  // namespace regenesis
