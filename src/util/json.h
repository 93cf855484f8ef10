#pragma once
// JSON and JSONL reading with errors that name the file, the line and the field.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/limits.h"

namespace regenesis {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Parses a whole JSON file; a syntax error names the file and the byte position. Files larger
// than limits::kJsonFileMaxBytes (or `max_bytes`) and JSON nested deeper than
// limits::kJsonMaxDepth are Errors too (util/limits.h).
Json read_json_file(const std::filesystem::path& path);
Json read_json_file(const std::filesystem::path& path, size_t max_bytes);
Json parse_json(const std::string& text, const std::string& source_name);

// Error "SOURCE: JSON nested deeper than N levels (at byte B)" when arrays and objects in `text`
// nest deeper than `max_depth`. Brackets inside strings do not count; text that is not JSON
// passes (the parser reports it). Call it before nlohmann::json::parse on untrusted text.
void check_json_depth(std::string_view text, const std::string& source_name,
                      size_t max_depth = limits::kJsonMaxDepth);

// Calls `visit(object, line_number)` for every non-blank line. A line that is not valid JSON,
// longer than limits::kJsonlLineMaxBytes or nested too deep gives an Error "path:line: ...".
// Errors thrown by `visit` get the path and line prefixed.
void for_each_jsonl(const std::filesystem::path& path,
                    const std::function<void(const Json&, long line)>& visit);

// Typed field access: an Error "source: field 'name' ..." when missing or of the wrong type.
std::string require_string(const Json& object, const std::string& field, const std::string& source);
long long require_int(const Json& object, const std::string& field, const std::string& source);
double require_number(const Json& object, const std::string& field, const std::string& source);
std::optional<std::string> optional_string(const Json& object, const std::string& field,
                                           const std::string& source);

}  // namespace regenesis
