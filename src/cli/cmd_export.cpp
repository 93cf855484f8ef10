// `regenesis export RUN --format chat|alpaca --out FILE`: the fine-tuning set from the kept
// paths (no prompt text, so no hint, in it), deduplicated and capped, written atomically.
#include <cstdio>

#include "cli/command.h"
#include "pipeline/run_session.h"

namespace regenesis::cli {
namespace {

struct Flags {
  std::string run;
  std::string format;
  std::string out;
  std::string config;
  bool force = false;
};

void run(const Flags& flags) {
  std::optional<std::filesystem::path> override;
  if (!flags.config.empty()) override = flags.config;
  auto session = RunSession::from_run(flags.run, {"export", flags.force, false}, override);
  auto options = session->export_options();
  if (!flags.format.empty()) options.format = flags.format;
  if (!flags.out.empty()) options.out = flags.out;
  auto result = session->export_data(options);
  std::printf("export: %lld rows (%s) -> %s (%lld duplicates dropped, %lld over the per-question cap)\n",
              static_cast<long long>(result.rows), options.format.c_str(),
              options.out.string().c_str(), static_cast<long long>(result.duplicates),
              static_cast<long long>(result.capped));
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("RUN", flags->run, "Run directory (holding run.db) or the run.db file")->required();
  sub.add_option("--format", flags->format, "chat (messages JSONL) or alpaca; default: the config's")
      ->check(CLI::IsMember({"chat", "alpaca"}));
  sub.add_option("--out", flags->out, "Output JSONL; default: export.out of the config");
  sub.add_option("--config", flags->config, "Use this config's export settings")
      ->check(CLI::ExistingFile);
  sub.add_flag("--force", flags->force, "Accept a config whose generation setup differs");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("export", "Write the fine-tuning set (chat or Alpaca JSONL) from the kept paths", setup);

}  // namespace
}  // namespace regenesis::cli
