// read_raw_questions: JSONL, JSON arrays and {"examples": [...]} files of raw records.
#include "data/raw_formats.h"

#include <algorithm>

#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// The records of a whole-JSON file, or nullopt when the file is JSONL.
std::optional<std::vector<nlohmann::json>> whole_file_records(const std::string& text, const std::string& source) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  // copying the records out recurses once per level: refuse deep nesting first
  check_json_depth(text, source);
  if (parsed.is_array()) return parsed.get<std::vector<nlohmann::json>>();
  if (parsed.is_object()) {
    for (const char* key : {"examples", "data"})
      if (parsed.contains(key) && parsed[key].is_array()) return parsed[key].get<std::vector<nlohmann::json>>();
  }
  // a single object is a one-line JSONL file: read it as JSONL so errors carry line numbers
  return std::nullopt;
}

}  // namespace

std::vector<Question> read_raw_questions(const std::filesystem::path& file, std::string_view format,
                                         RawOptions options) {
  const auto& names = raw_format_names();
  if (std::find(names.begin(), names.end(), format) == names.end())
    fail("unknown raw format '", format, "' (known: ", join(names, ", "), ")");
  if (options.task.empty()) options.task = format == "bbh" ? "bbh_" + file.stem().string() : std::string(format);
  std::vector<Question> out;
  std::string text = read_file(file, limits::kJsonFileMaxBytes);
  std::string head = trim(text.substr(0, 64));
  if (!head.empty() && head[0] == '[') {
    if (!whole_file_records(text, file.string())) fail_at(file.string(), 0, "invalid JSON array");
  }
  if (auto records = whole_file_records(text, file.string())) {
    for (size_t k = 0; k < records->size(); ++k) {
      try {
        out.push_back(convert_raw_record((*records)[k], format, options, out.size()));
      } catch (const Error& e) {
        fail(file.string(), ": record ", k, ": ", e.what());
      } catch (const nlohmann::json::exception& e) {
        fail(file.string(), ": record ", k, ": ", e.what());
      }
    }
    return out;
  }
  for_each_jsonl(file, [&](const Json& record, long) {
    out.push_back(convert_raw_record(record, format, options, out.size()));
  });
  return out;
}

}  // namespace regenesis
