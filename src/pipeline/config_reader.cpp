#include "pipeline/config_reader.h"

#include <cmath>

#include "util/error.h"

namespace regenesis {

void ConfigReader::error(const std::string& key, const std::string& message) const {
  long line = 0;
  if (lines_) {
    auto it = lines_->find(key);
    if (it != lines_->end()) line = it->second;
  }
  fail_at(source_, line, key + ": " + message);
}

const Json& ConfigReader::section(const Json& parent, const std::string& name,
                                  const std::set<std::string>& keys, const std::string& prefix) {
  static const Json empty = Json::object();
  auto it = parent.find(name);
  if (it == parent.end()) return empty;
  const std::string key = path(prefix, name);
  if (!it->is_object()) error(key, std::string("must be a table, got ") + it->type_name());
  check_keys(*it, key, keys);
  return *it;
}

void ConfigReader::check_keys(const Json& object, const std::string& prefix,
                              const std::set<std::string>& keys) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (keys.count(it.key())) continue;
    std::string known;
    for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
    error(path(prefix, it.key()), "unknown key (known keys here: " + known + ")");
  }
}

void ConfigReader::get(const Json& object, const std::string& prefix, const char* key,
                       std::string& out) {
  if (const Json* v = find(object, key)) {
    if (!v->is_string()) wrong_type(prefix, key, "a string", *v);
    out = v->get<std::string>();
  }
}

void ConfigReader::get(const Json& object, const std::string& prefix, const char* key, bool& out) {
  if (const Json* v = find(object, key)) {
    if (!v->is_boolean()) wrong_type(prefix, key, "true or false", *v);
    out = v->get<bool>();
  }
}

void ConfigReader::get(const Json& object, const std::string& prefix, const char* key, double& out) {
  if (const Json* v = find(object, key)) {
    if (!v->is_number()) wrong_type(prefix, key, "a number", *v);
    const double value = v->get<double>();
    if (!std::isfinite(value)) error(path(prefix, key), "must be a finite number");
    out = value;
  }
}

void ConfigReader::get(const Json& object, const std::string& prefix, const char* key,
                       std::vector<std::string>& out) {
  if (const Json* v = find(object, key)) {
    if (!v->is_array()) wrong_type(prefix, key, "a list of strings", *v);
    out.clear();
    for (const auto& item : *v) {
      if (!item.is_string()) wrong_type(prefix, key, "a list of strings", *v);
      out.push_back(item.get<std::string>());
    }
  }
}

void ConfigReader::one_of(const std::string& prefix, const char* key, const std::string& value,
                          const std::set<std::string>& allowed) {
  if (allowed.count(value)) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
  error(path(prefix, key), "\"" + value + "\" is not one of " + list);
}

void ConfigReader::wrong_type(const std::string& prefix, const char* key, const char* expected,
                              const Json& got) const {
  error(path(prefix, key),
        std::string("must be ") + expected + ", got " + got.type_name() + " " + got.dump());
}

}  // namespace regenesis
