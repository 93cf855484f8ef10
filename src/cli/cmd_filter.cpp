// `regenesis filter RUN`: the filter gates over every stored path (and the rescue paths, when
// there are any), replacing the stored verdicts. RUN is the run directory or its run.db.
#include <cstdio>
#include <set>

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
  auto session = RunSession::from_run(flags.run, {"filter", flags.force, false}, override);
  std::printf("%s\n", filter_report("main", session->filter("main")).c_str());
  // Rescue paths are filtered for the questions that still have no kept main path.
  std::set<std::string> solved, rescued;
  for (const auto& k : session->store().kept("main")) solved.insert(k.question_id);
  for (const auto& p : session->store().paths("hint")) rescued.insert(p.question_id);
  if (!rescued.empty()) {
    std::vector<QuestionRow> subset;
    for (const auto& q : session->questions())
      if (rescued.count(q.id) && !solved.count(q.id)) subset.push_back(q);
    std::printf("%s\n", filter_report("hint", session->filter_for("hint", subset)).c_str());
  }
  session->finish("ok");
}

void setup(CLI::App& sub) {
  auto flags = std::make_shared<Flags>();
  sub.add_option("RUN", flags->run, "Run directory (holding run.db) or the run.db file")->required();
  sub.add_option("--config", flags->config,
                 "Use this config's filter settings instead of the stored ones")
      ->check(CLI::ExistingFile);
  sub.add_flag("--force", flags->force, "Accept a config whose generation setup differs");
  sub.callback([flags] { run(*flags); });
}

REGENESIS_COMMAND("filter", "Check every stored path against the gold answer and mark it", setup);

}  // namespace
}  // namespace regenesis::cli
