#include "util/json.h"

#include <fstream>

#include "util/error.h"
#include "util/files.h"

namespace regenesis {

Json parse_json(const std::string& text, const std::string& source_name) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    fail(source_name, ": invalid JSON at byte ", e.byte, ": ", e.what());
  }
}

Json read_json_file(const std::filesystem::path& path) {
  return parse_json(read_file(path), path.string());
}

void for_each_jsonl(const std::filesystem::path& path,
                    const std::function<void(const Json&, long line)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_at(path.string(), 0, "cannot open");
  std::string text;
  long line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    Json object;
    try {
      object = Json::parse(text);
    } catch (const Json::parse_error& e) {
      fail_at(path.string(), line, std::string("invalid JSON: ") + e.what());
    }
    try {
      visit(object, line);
    } catch (const Error& e) {
      fail_at(path.string(), line, e.what());
    } catch (const Json::exception& e) {
      fail_at(path.string(), line, e.what());
    }
  }
}

namespace {
const Json& require_field(const Json& object, const std::string& field, const std::string& source) {
  if (!object.is_object()) fail(source, ": expected a JSON object");
  auto it = object.find(field);
  if (it == object.end()) fail(source, ": missing field '", field, "'");
  return *it;
}
}  // namespace

std::string require_string(const Json& object, const std::string& field, const std::string& source) {
  const Json& value = require_field(object, field, source);
  if (!value.is_string()) fail(source, ": field '", field, "' must be a string, got ", value.type_name());
  return value.get<std::string>();
}

long long require_int(const Json& object, const std::string& field, const std::string& source) {
  const Json& value = require_field(object, field, source);
  if (!value.is_number_integer())
    fail(source, ": field '", field, "' must be an integer, got ", value.type_name());
  return value.get<long long>();
}

double require_number(const Json& object, const std::string& field, const std::string& source) {
  const Json& value = require_field(object, field, source);
  if (!value.is_number()) fail(source, ": field '", field, "' must be a number, got ", value.type_name());
  return value.get<double>();
}

std::optional<std::string> optional_string(const Json& object, const std::string& field,
                                           const std::string& source) {
  if (!object.is_object()) fail(source, ": expected a JSON object");
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) fail(source, ": field '", field, "' must be a string, got ", it->type_name());
  return it->get<std::string>();
}

}  // namespace regenesis
