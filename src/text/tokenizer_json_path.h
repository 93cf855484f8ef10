#pragma once
// A value inside a tokenizer.json together with where it sits, so that every error names the file
// and the JSON path: "tokenizer.json: pre_tokenizer.pretokenizers[1].type 'Foo' is not supported".
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace regenesis::tok {

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string source, std::string path)
      : value_(&value), source_(std::move(source)), path_(std::move(path)) {}

  const nlohmann::json& value() const { return *value_; }
  const std::string& source() const { return source_; }
  const std::string& path() const { return path_; }
  bool is_null() const { return value_->is_null(); }

  // The member `key`; an Error when this is not an object or the member is missing.
  JsonNode field(const std::string& key) const;
  // The member `key`, or nullopt when it is missing or null.
  std::optional<JsonNode> optional_field(const std::string& key) const;
  // Element `index` of an array.
  JsonNode at(size_t index) const;
  size_t array_size() const;  // Error unless an array

  std::string as_string() const;
  bool as_bool() const;
  long long as_int() const;

  // Optional scalar members with a default for missing/null.
  std::string string_or(const std::string& key, const std::string& fallback) const;
  bool bool_or(const std::string& key, bool fallback) const;
  long long int_or(const std::string& key, long long fallback) const;

  // The member "type" as a string (an Error when absent).
  std::string type() const;
  [[noreturn]] void fail(const std::string& message) const;  // "source: path message"
  [[noreturn]] void unsupported_type() const;  // "source: path.type 'X' is not supported"

 private:
  std::string child_path(const std::string& key) const;
  const nlohmann::json* value_;
  std::string source_;
  std::string path_;
};

}  // namespace regenesis::tok
