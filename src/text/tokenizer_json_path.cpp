#include "text/tokenizer_json_path.h"

#include "util/error.h"

namespace regenesis::tok {

std::string JsonNode::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void JsonNode::fail(const std::string& message) const {
  if (path_.empty()) regenesis::fail(source_, ": ", message);
  regenesis::fail(source_, ": ", path_, " ", message);
}

JsonNode JsonNode::field(const std::string& key) const {
  if (!value_->is_object()) fail(std::string("must be an object, got ") + value_->type_name());
  auto it = value_->find(key);
  if (it == value_->end()) {
    regenesis::fail(source_, ": missing field '", child_path(key), "'");
  }
  return JsonNode(*it, source_, child_path(key));
}

std::optional<JsonNode> JsonNode::optional_field(const std::string& key) const {
  if (!value_->is_object()) fail(std::string("must be an object, got ") + value_->type_name());
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonNode(*it, source_, child_path(key));
}

size_t JsonNode::array_size() const {
  if (!value_->is_array()) fail(std::string("must be an array, got ") + value_->type_name());
  return value_->size();
}

JsonNode JsonNode::at(size_t index) const {
  if (index >= array_size()) fail("has no element " + std::to_string(index));
  return JsonNode((*value_)[index], source_, path_ + "[" + std::to_string(index) + "]");
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) fail(std::string("must be a string, got ") + value_->type_name());
  return value_->get<std::string>();
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) fail(std::string("must be a boolean, got ") + value_->type_name());
  return value_->get<bool>();
}

long long JsonNode::as_int() const {
  if (!value_->is_number_integer()) {
    fail(std::string("must be an integer, got ") + value_->type_name());
  }
  return value_->get<long long>();
}

std::string JsonNode::string_or(const std::string& key, const std::string& fallback) const {
  auto node = optional_field(key);
  return node ? node->as_string() : fallback;
}

bool JsonNode::bool_or(const std::string& key, bool fallback) const {
  auto node = optional_field(key);
  return node ? node->as_bool() : fallback;
}

long long JsonNode::int_or(const std::string& key, long long fallback) const {
  auto node = optional_field(key);
  return node ? node->as_int() : fallback;
}

std::string JsonNode::type() const { return field("type").as_string(); }

void JsonNode::unsupported_type() const {
  regenesis::fail(source_, ": ", child_path("type"), " '", type(), "' is not supported");
}

}  // namespace regenesis::tok
