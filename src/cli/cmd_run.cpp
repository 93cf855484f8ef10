// `regenesis run --config run.toml [--method NAME]`: the whole loop of the config's method
// (docs/METHODS.md): synthesize -> filter -> hint step (ReGenesis's rescue, STaR's
// rationalization) -> export, resumable, ending with the summary table. STaR with
// star.iterations > 1 trains a sampler between rounds with the [train] settings.
#include <chrono>
#include <cstdio>

#include "cli/command.h"
#include "cli/run_train_options.h"
#include "pipeline/run_flow.h"
#include "pipeline/star_iterations.h"
#include "train/train.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis::cli {
namespace {

struct Flags {
  std::string config;
  std::string method;
  bool force = false;
};

// The trainer between STaR's rounds: the [train] settings, from the base model each time.
TrainHook star_trainer(const TrainOptions& settings) {
  return [settings](const TrainRequest& request) {
    TrainOptions options = settings;
    options.model_dir = request.base_model;
    options.data_path = request.data;
    options.out_dir = request.out_dir;
    options.resume = true;  // a killed run continues the training it was in
    if (options.mode == "lora") options.merge = true;  // the next round loads a whole model
    TrainResult result = run_training(options);
    if (result.model_dir.empty()) fail("internal: the trainer wrote no model to ", request.out_dir.string());
    return result.model_dir;
  };
}

void run(const Flags& flags) {
  auto start = std::chrono::steady_clock::now();
  SessionOptions options{"run", flags.force, true, flags.method};
  RunConfig config = RunConfig::from_toml_file(flags.config, flags.method);
  if (config.method == "star" && config.star.iterations > 1) {
    // Checked before anything is written.
    TrainOptions settings = train_options_from_table(config.train, flags.config);
    auto outcome = run_star_iterations(config, options, {star_trainer(settings), nullptr});
    std::fputs(outcome.summary.c_str(), stdout);
    return;
  }
  if (config.method != "star" && config.star.iterations > 1)
    log_warn("star.iterations applies to method = \"star\" only; ignored");
  auto session = RunSession::from_config(config, options);
  RunOutcome outcome = run_once(*session);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(session->summary_table(seconds, outcome.exported, outcome.options.out).c_str(), stdout);
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("--config", flags->config, "Run config (TOML); see examples/run.toml")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--method", flags->method,
                 "The method instead of the config's `method`: regenesis, star, lmsi, rft, task_sd "
                 "(docs/METHODS.md)")
      ->check(CLI::IsMember(method_names()));
  sub.add_flag("--force", flags->force,
               "Continue a run store written with a different model, data, prompts or sampling");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("run", "Run a self-improvement method end to end (synthesize, filter, hint step, export); resumable", setup);

}  // namespace
}  // namespace regenesis::cli
