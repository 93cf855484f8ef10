#include "pipeline/config_toml.h"

#include <toml++/toml.h>

#include "util/error.h"

namespace regenesis {
namespace {

Json convert(const toml::node& node, const std::string& key_path, const std::string& file,
             std::map<std::string, long>& key_lines) {
  long line = static_cast<long>(node.source().begin.line);
  if (auto* table = node.as_table()) {
    Json object = Json::object();
    for (auto&& [key, value] : *table) {
      std::string child = key_path.empty() ? std::string(key.str()) : key_path + "." + std::string(key.str());
      key_lines[child] = static_cast<long>(key.source().begin.line);
      object[std::string(key.str())] = convert(value, child, file, key_lines);
    }
    return object;
  }
  if (auto* array = node.as_array()) {
    Json list = Json::array();
    for (size_t i = 0; i < array->size(); ++i)
      list.push_back(convert(*array->get(i), key_path + "[" + std::to_string(i) + "]", file, key_lines));
    return list;
  }
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_integer()) return v->get();
  if (auto v = node.as_floating_point()) return v->get();
  if (auto v = node.as_boolean()) return v->get();
  fail_at(file, line, key_path + ": dates and times are not valid config values");
}

}  // namespace

Json toml_file_to_json(const std::filesystem::path& path, std::map<std::string, long>& key_lines) {
  if (!std::filesystem::exists(path)) fail(path.string(), ": config file not found");
  try {
    toml::table table = toml::parse_file(path.string());
    return convert(table, "", path.string(), key_lines);
  } catch (const toml::parse_error& e) {
    fail_at(path.string(), static_cast<long>(e.source().begin.line),
            "invalid TOML: " + std::string(e.description()));
  }
}

}  // namespace regenesis
