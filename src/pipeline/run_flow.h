#pragma once
// What `regenesis run` does with one session, for every method: synthesize, filter, the hint
// step when the method has one (ReGenesis's rescue, STaR's rationalization), export. Each step
// does only what the store is missing, so rerunning resumes.
#include <filesystem>

#include "pipeline/run_session.h"

namespace regenesis {

struct RunOutcome {
  ExportOptions options;
  ExportResult exported;
};

RunOutcome run_once(RunSession& session);

}  // namespace regenesis
