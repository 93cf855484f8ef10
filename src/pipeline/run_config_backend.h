#pragma once
// The [backend] section of run.toml: parsing with errors that name the key and line, the
// resolved JSON stored in the run, and the part of it that decides the generated text.
#include "pipeline/config_reader.h"
#include "pipeline/run_config.h"

namespace regenesis {

void read_backend_config(ConfigReader& reader, const Json& root, RunConfig::Backend& out);
OrderedJson backend_config_json(const RunConfig::Backend& backend);
// Embedded: the type only (the model is model.path). OpenAI: the type and the served model
// names, not the URLs, so a fleet can grow, shrink or move without invalidating a run.
OrderedJson backend_identity_json(const RunConfig::Backend& backend);

}  // namespace regenesis
