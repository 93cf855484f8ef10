// `regenesis rescue RUN`: questions with no kept path are rerun with the gold answer as a hint
// (ReGenesis: hint prompts, 20 candidates, hint sampling; STaR: rationalization), then filtered
// again.
#include <cstdio>

#include "cli/command.h"
#include "pipeline/run_session.h"

namespace regenesis::cli {
namespace {

struct Flags {
  std::string run;
  std::string config;
  bool force = false;
};

void run(const Flags& flags) {
  std::optional<std::filesystem::path> override;
  if (!flags.config.empty()) override = flags.config;
  auto session = RunSession::from_run(flags.run, {"rescue", flags.force, false}, override);
  if (!session->method().has_rescue()) {
    const std::string& method = session->config().method;
    if (method == "regenesis" || method == "star")
      std::printf("rescue: disabled in the config (rescue.enabled = false%s)\n",
                  method == "star" ? " or star.rationalize_paths = 0" : "");
    else
      std::printf("rescue: method %s has no hint step\n", method.c_str());
    session->finish("ok");
    return;
  }
  std::printf("%s\n", filter_report("main", session->filter("main")).c_str());
  auto summary = session->rescue();
  std::printf("rescue: %lld questions without a kept path, %lld requests sent\n",
              static_cast<long long>(summary.unsolved),
              static_cast<long long>(summary.synthesis.requests_sent));
  std::printf("%s\n", filter_report("hint", summary.filter).c_str());
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("RUN", flags->run, "Run directory (holding run.db) or the run.db file")->required();
  sub.add_option("--config", flags->config, "Use this config instead of the stored one")
      ->check(CLI::ExistingFile);
  sub.add_flag("--force", flags->force, "Accept a config whose generation setup differs");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("rescue", "Regenerate unsolved questions with the gold answer as a hint", setup);

}  // namespace
}  // namespace regenesis::cli
