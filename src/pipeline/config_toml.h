#pragma once
// TOML -> JSON for the run config, remembering the line of every key so that config errors can
// point at it.
#include <filesystem>
#include <map>
#include <string>

#include "util/json.h"

namespace regenesis {

// Parses a TOML file; a syntax error is an Error "path:line: ...". `key_lines` receives
// "section.key" -> line for every key. Dates and times are rejected (no config field uses them).
Json toml_file_to_json(const std::filesystem::path& path, std::map<std::string, long>& key_lines);

}  // namespace regenesis
