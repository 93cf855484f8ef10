// `regenesis synthesize --config run.toml`: stages 1-3 (SELECT, ADAPT, IMPLEMENT, EXECUTE) for
// every question, each output committed to the run store as it arrives; rerunning resumes.
#include <cstdio>

#include "cli/command.h"
#include "pipeline/run_session.h"

namespace regenesis::cli {
namespace {

struct Flags {
  std::string config;
  bool force = false;
};

void run(const Flags& flags) {
  auto session = RunSession::from_config_file(flags.config, {"synthesize", flags.force, true});
  auto counts = session->synthesize();
  auto stats = session->store().stats("main");
  std::printf("synthesize: %zu questions, %lld requests sent, %lld outputs were already stored, "
              "%lld paths in %s\n",
              session->questions().size(), static_cast<long long>(counts.requests_sent),
              static_cast<long long>(counts.already_done), static_cast<long long>(stats.paths),
              session->store().file().string().c_str());
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("--config", flags->config, "Run config (TOML)")->required()->check(CLI::ExistingFile);
  sub.add_flag("--force", flags->force,
               "Continue a run store written with a different model, data, prompts or sampling");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("synthesize", "Generate reasoning paths for every question into the run store", setup);

}  // namespace
}  // namespace regenesis::cli
