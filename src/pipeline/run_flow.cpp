#include "pipeline/run_flow.h"

#include "util/log.h"

namespace regenesis {

RunOutcome run_once(RunSession& session) {
  const RunConfig& config = session.config();
  log_info("run (" + config.method + "): " + std::to_string(session.questions().size()) +
           " questions, store " + session.store().file().string());
  session.synthesize();
  log_info(filter_report("main", session.filter("main")));
  const char* step = config.method == "star" ? "rationalize" : "rescue";
  if (session.method().has_rescue()) {
    auto rescue = session.rescue();
    log_info(std::string(step) + ": " + std::to_string(rescue.unsolved) +
             " questions without a kept path");
    log_info(filter_report("hint", rescue.filter));
  } else if (config.method == "regenesis" || config.method == "star") {
    log_info(std::string(step) + ": disabled (rescue.enabled = false" +
             (config.method == "star" ? " or star.rationalize_paths = 0)" : ")"));
  }
  RunOutcome outcome;
  outcome.options = session.export_options();
  outcome.exported = session.export_data(outcome.options);
  return outcome;
}

}  // namespace regenesis
