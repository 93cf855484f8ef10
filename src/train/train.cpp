// run_training: loading, the step loop with progress, metrics log and checkpoints, and outputs.
#include "train/train.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "model/transformer.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/model_export.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/log.h"

namespace regenesis {

namespace {

constexpr const char* kLogFile = "train_log.jsonl";

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// Keeps the log lines of steps <= `step` (a resumed run rewrites what follows; a line torn by a
// kill is dropped).
void trim_log(const std::filesystem::path& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  std::ifstream in(path);
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      const Json entry = Json::parse(line);
      if (entry.value("step", int64_t{-1}) <= step) kept += line + "\n";
    } catch (const Json::exception&) {
    }
  }
  write_file_atomic(path, kept);
}

nlohmann::ordered_json metrics_json(const StepMetrics& m, double epoch, double tokens_per_second) {
  return {{"step", m.step},          {"epoch", epoch},           {"loss", m.loss},
          {"lr", m.lr},              {"grad_norm", m.grad_norm}, {"examples", m.examples},
          {"tokens", m.tokens},      {"loss_tokens", m.loss_tokens},
          {"tokens_per_s", tokens_per_second}, {"step_s", m.seconds}};
}

int32_t pick_pad_id(const Tokenizer& tokenizer) {
  // Padding is never attended to nor trained on; any valid id will do.
  if (auto id = tokenizer.pad_id()) return *id;
  if (auto id = tokenizer.eos_id()) return *id;
  return 0;
}

}  // namespace

TrainResult run_training(const TrainOptions& options) {
  options.validate();
  const int threads = options.threads > 0 ? options.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);

  const std::filesystem::path out = options.out_dir;
  if (!options.resume && latest_checkpoint(out))
    fail(out.string(), ": holds checkpoints of an earlier run; pass --resume to continue it, or "
                       "choose another --out");

  TrainResult result;
  const Tokenizer tokenizer = Tokenizer::load(options.model_dir);
  const ChatTemplate chat_template = ChatTemplate::for_model(options.model_dir, options.chat_template);
  std::vector<TokenizedExample> data =
      read_tokenized_sft(options.data_path.string(), tokenizer, chat_template, options.max_length,
                         options.truncate, result.data);
  log_info("train: " + std::to_string(result.data.examples) + " examples, " +
           std::to_string(result.data.tokens) + " tokens (" + std::to_string(result.data.loss_tokens) +
           " trained on), " + std::to_string(result.data.truncated) + " truncated, " +
           std::to_string(result.data.dropped) + " dropped; template " + chat_template.name());

  Transformer model = Transformer::load(options.model_dir, at::kFloat);
  Trainer trainer(options, std::move(model), std::move(data), pick_pad_id(tokenizer));
  std::filesystem::create_directories(out);
  const std::filesystem::path log_path = out / kLogFile;
  if (options.resume) {
    if (auto checkpoint = latest_checkpoint(out)) {
      trainer.restore(*checkpoint);
      log_info("train: resumed from " + checkpoint->string());
    } else {
      log_info("train: --resume: no checkpoint in " + out.string() + ", starting from step 0");
    }
  }
  trim_log(log_path, trainer.steps_done());
  result.start_step = trainer.steps_done();
  result.total_steps = trainer.total_steps();

  auto save = [&] {
    save_checkpoint(out, trainer.state_json(), trainer.trainable(), trainer.optimizer().state(),
                    options.keep_checkpoints);
  };
  std::ofstream log(log_path, std::ios::app);
  Progress progress("train", trainer.total_steps() - trainer.steps_done());
  int64_t tokens_done = 0;
  const auto start = std::chrono::steady_clock::now();
  const double steps_per_epoch = static_cast<double>(trainer.total_steps()) / options.epochs;
  while (!trainer.done()) {
    const StepMetrics m = trainer.train_step();
    tokens_done += m.tokens;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double tokens_per_second = elapsed > 0 ? tokens_done / elapsed : 0;
    result.final_loss = m.loss;
    if (m.step % options.log_every == 0 || trainer.done()) {
      log << metrics_json(m, m.step / steps_per_epoch, tokens_per_second).dump() << "\n";
      log.flush();
    }
    progress.advance(1, "loss " + format("%.4f", m.loss) + " lr " + format("%.2e", m.lr) + " " +
                            format("%.0f", tokens_per_second) + " tok/s");
    if (options.save_every > 0 && m.step % options.save_every == 0 && !trainer.done()) save();
  }
  progress.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.tokens_per_second = result.seconds > 0 ? tokens_done / result.seconds : 0;
  if (result.start_step < result.total_steps) save();  // the final state, for the record and --resume

  Transformer& trained = trainer.model();
  const at::ScalarType storage = base_storage_type(options.model_dir);
  if (options.mode == "lora") {
    result.adapter_dir = out;
    trained.save_lora(out, options.model_dir.string());
    copy_tokenizer_files(options.model_dir, out);
    if (options.merge) {
      result.model_dir = out / "merged";
      trained.merge_lora();
      write_hf_model(trained, options.model_dir, result.model_dir, storage);
    }
  } else {
    result.model_dir = out;
    write_hf_model(trained, options.model_dir, out, storage);
  }
  const nlohmann::ordered_json summary = {
      {"options", options.to_json()},
      {"total_steps", result.total_steps},
      {"resumed_from_step", result.start_step},
      {"examples", result.data.examples},
      {"tokens", result.data.tokens},
      {"loss_tokens", result.data.loss_tokens},
      {"truncated", result.data.truncated},
      {"dropped", result.data.dropped},
      {"final_loss", result.final_loss},
      {"seconds", result.seconds},
      {"tokens_per_s", result.tokens_per_second},
      {"threads", threads},
      {"data_fingerprint", trainer.data_fingerprint()}};
  write_file_atomic(out / "train_summary.json", summary.dump(2) + "\n");
  return result;
}

}  // namespace regenesis
