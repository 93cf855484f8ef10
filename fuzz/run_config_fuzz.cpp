// Fuzzes run.toml loading (pipeline/run_config.h, pipeline/config_toml.h): the input is the
// file. A config that loads must keep every integer the file wrote (no silent truncation into a
// narrower field; an integer given for a float field becomes that float) and survive to_json() -> from_json() unchanged (the resolved config is stored
// in the run database and read back by filter/rescue/export).
#include "fuzz_support.h"
#include "pipeline/config_toml.h"
#include "pipeline/run_config.h"
#include "util/error.h"

using namespace regenesis;

namespace {

// Integers the file wrote, by key path, must come back unchanged from the resolved config.
void check_integers(const Json& written, const OrderedJson& resolved, const std::string& path) {
  if (!written.is_object() || !resolved.is_object()) return;
  for (auto it = written.begin(); it != written.end(); ++it) {
    auto found = resolved.find(it.key());
    if (found == resolved.end()) continue;
    const std::string key = path.empty() ? it.key() : path + "." + it.key();
    if (it->is_object()) check_integers(*it, *found, key);
    else if (it->is_number_integer() && found->is_number_float())  // "temperature = 7": a float field
      fuzz::require(found->get<double>() == static_cast<double>(it->get<long long>()),
                    key + " = " + it->dump() + " became " + found->dump());
    else if (it->is_number_integer())
      fuzz::require(found->is_number_integer() && found->get<long long>() == it->get<long long>(),
                    key + " = " + it->dump() + " became " + found->dump());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::MemoryFile file(fuzz::as_text(data, size));
  RunConfig config;
  Json written;
  try {
    config = RunConfig::from_toml_file(file.path());
    std::map<std::string, long> lines;
    written = toml_file_to_json(file.path(), lines);
  } catch (const Error&) {
    return 0;
  }
  const OrderedJson resolved = config.to_json();
  check_integers(written, resolved, "");
  const std::string dumped = resolved.dump();
  try {
    RunConfig again = RunConfig::from_json(Json::parse(dumped), "stored config", "/");
    fuzz::require(again.to_json().dump() == dumped, "to_json() -> from_json() changes the config");
  } catch (const Error& e) {
    fuzz::require(false, std::string("the resolved config does not read back: ") + e.what() +
                             "\n" + dumped);
  }
  return 0;
}
