// `regenesis run --config run.toml`: synthesize -> filter -> rescue -> export, resumable, ending
// with the summary table.
#include <chrono>
#include <cstdio>

#include "cli/command.h"
#include "pipeline/run_session.h"
#include "util/log.h"

namespace regenesis::cli {
namespace {

struct Flags {
  std::string config;
  bool force = false;
};

void run(const Flags& flags) {
  auto start = std::chrono::steady_clock::now();
  auto session = RunSession::from_config_file(flags.config, {"run", flags.force, true});
  const RunConfig& config = session->config();
  log_info("run: " + std::to_string(session->questions().size()) + " questions, store " +
           session->store().file().string());
  session->synthesize();
  log_info(filter_report("main", session->filter("main")));
  if (config.rescue.enabled) {
    auto rescue = session->rescue();
    log_info("rescue: " + std::to_string(rescue.unsolved) + " questions without a kept path");
    log_info(filter_report("hint", rescue.filter));
  } else {
    log_info("rescue: disabled (rescue.enabled = false)");
  }
  auto options = session->export_options();
  auto exported = session->export_data(options);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(session->summary_table(seconds, exported, options.out).c_str(), stdout);
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("--config", flags->config, "Run config (TOML); see examples/run.toml")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_flag("--force", flags->force,
               "Continue a run store written with a different model, data, prompts or sampling");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("run", "Run the whole ReGenesis loop (synthesize, filter, rescue, export); resumable", setup);

}  // namespace
}  // namespace regenesis::cli
