#pragma once
// Reads typed fields out of a config parsed to JSON (from TOML, or the stored JSON of a run),
// with errors that name the key path and, for TOML, its line; rejects keys it was not asked for.
// Shared by the run config's sections (run_config.cpp, run_config_backend.cpp).
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/json.h"

namespace regenesis {

class ConfigReader {
 public:
  // `lines`: key path -> line in `source` (null for JSON sources, whose errors name no line).
  ConfigReader(std::string source, const std::map<std::string, long>* lines)
      : source_(std::move(source)), lines_(lines) {}

  [[noreturn]] void error(const std::string& key, const std::string& message) const;

  // The sub-object `name` of `parent` (empty when absent), after checking its keys. `prefix` is
  // the key path of `parent` ("" at the top level).
  const Json& section(const Json& parent, const std::string& name, const std::set<std::string>& keys,
                      const std::string& prefix = "");
  void check_keys(const Json& object, const std::string& prefix, const std::set<std::string>& keys);

  void get(const Json& object, const std::string& prefix, const char* key, std::string& out);
  void get(const Json& object, const std::string& prefix, const char* key, bool& out);
  // Finite numbers only: nan and inf are errors (they would not survive the stored JSON).
  void get(const Json& object, const std::string& prefix, const char* key, double& out);
  void get(const Json& object, const std::string& prefix, const char* key,
           std::vector<std::string>& out);

  // An integer in [min, the largest value of Int]: a value that would not fit is an error,
  // never silently truncated.
  template <typename Int>
  void get_int(const Json& object, const std::string& prefix, const char* key, Int& out,
               long long min) {
    const Json* v = find(object, key);
    if (!v) return;
    if (!v->is_number_integer()) wrong_type(prefix, key, "an integer", *v);
    constexpr auto max = static_cast<unsigned long long>(std::numeric_limits<Int>::max());
    if (v->is_number_unsigned()) {  // zero or more
      const auto value = v->get<unsigned long long>();
      if (value > max) error(path(prefix, key), "must be at most " + std::to_string(max));
      if (min > 0 && value < static_cast<unsigned long long>(min))
        error(path(prefix, key), "must be at least " + std::to_string(min));
      out = static_cast<Int>(value);
      return;
    }
    const long long value = v->get<long long>();
    if (value < min) error(path(prefix, key), "must be at least " + std::to_string(min));
    if (value > 0 && static_cast<unsigned long long>(value) > max)
      error(path(prefix, key), "must be at most " + std::to_string(max));
    out = static_cast<Int>(value);
  }

  void one_of(const std::string& prefix, const char* key, const std::string& value,
              const std::set<std::string>& allowed);

  static std::string path(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

 private:
  static const Json* find(const Json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }
  [[noreturn]] void wrong_type(const std::string& prefix, const char* key, const char* expected,
                               const Json& got) const;

  std::string source_;
  const std::map<std::string, long>* lines_;
};

}  // namespace regenesis
