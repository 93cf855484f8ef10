#include "util/json.h"

#include <fstream>

#include "util/error.h"
#include "util/files.h"

namespace regenesis {

void check_json_depth(std::string_view text, const std::string& source_name, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // skips the escaped character, which may be a quote
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        fail(source_name, ": JSON nested deeper than ", max_depth, " levels (at byte ", i + 1, ")");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

Json parse_json(const std::string& text, const std::string& source_name) {
  check_json_depth(text, source_name);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    fail(source_name, ": invalid JSON at byte ", e.byte, ": ", e.what());
  } catch (const Json::exception& e) {  // out_of_range 406: a number beyond double (1e400)
    fail(source_name, ": invalid JSON: ", e.what());
  }
}

Json read_json_file(const std::filesystem::path& path) {
  return read_json_file(path, limits::kJsonFileMaxBytes);
}

Json read_json_file(const std::filesystem::path& path, size_t max_bytes) {
  return parse_json(read_file(path, max_bytes), path.string());
}

namespace {

// Splits a stream into lines without ever holding more than `max_bytes` of one line: a file
// that is one endless line is refused after max_bytes, not read into memory whole.
class BoundedLineReader {
 public:
  BoundedLineReader(std::istream& in, size_t max_bytes) : in_(in), max_bytes_(max_bytes) {}

  // The next line without its '\n' (a last line without one counts); false at the end.
  // Sets too_long (and returns true) when the line exceeds the limit.
  bool next(std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    bool got_any = false;
    for (;;) {
      const size_t newline = buffer_.find('\n', pos_);
      const size_t end = newline == std::string::npos ? buffer_.size() : newline;
      if (end > pos_) got_any = true;
      if (line.size() + (end - pos_) > max_bytes_) {
        too_long = true;
        return true;
      }
      line.append(buffer_, pos_, end - pos_);
      if (newline != std::string::npos) {
        pos_ = newline + 1;
        return true;
      }
      pos_ = buffer_.size();
      if (!fill()) return got_any;
    }
  }

 private:
  bool fill() {
    buffer_.resize(1 << 16);
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.resize(static_cast<size_t>(in_.gcount()));
    pos_ = 0;
    return !buffer_.empty();
  }

  std::istream& in_;
  size_t max_bytes_;
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace

void for_each_jsonl(const std::filesystem::path& path,
                    const std::function<void(const Json&, long line)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_at(path.string(), 0, "cannot open");
  BoundedLineReader reader(in, limits::kJsonlLineMaxBytes);
  std::string text;
  bool too_long = false;
  long line = 0;
  while (reader.next(text, too_long)) {
    ++line;
    if (too_long)
      fail_at(path.string(), line, "line is longer than " + format_bytes(limits::kJsonlLineMaxBytes) +
                                       ", the limit for one JSONL line");
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    check_json_depth(text, path.string() + ":" + std::to_string(line));
    Json object;
    try {
      object = Json::parse(text);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for 1e400
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
