#include "text/tokenizer_post_processor.h"

namespace regenesis::tok {
namespace {

std::vector<int32_t> special_token_ids(const JsonNode& special_tokens, const std::string& name,
                                       const JsonNode& where) {
  auto entry = special_tokens.optional_field(name);
  if (!entry) where.fail("names special token '" + name + "', which special_tokens does not define");
  JsonNode ids = entry->field("ids");
  std::vector<int32_t> out;
  for (size_t i = 0; i < ids.array_size(); ++i) {
    long long id = ids.at(i).as_int();
    if (id < 0 || id > INT32_MAX) ids.at(i).fail("must be a non-negative 32-bit id");
    out.push_back(static_cast<int32_t>(id));
  }
  return out;
}

SpecialTokenWrap parse_template(const JsonNode& node) {
  JsonNode single = node.field("single");
  JsonNode special_tokens = node.field("special_tokens");
  SpecialTokenWrap wrap;
  bool seen_sequence = false;
  for (size_t i = 0; i < single.array_size(); ++i) {
    JsonNode item = single.at(i);
    if (auto special = item.optional_field("SpecialToken")) {
      auto ids = special_token_ids(special_tokens, special->field("id").as_string(), *special);
      auto& target = seen_sequence ? wrap.suffix : wrap.prefix;
      target.insert(target.end(), ids.begin(), ids.end());
    } else if (auto sequence = item.optional_field("Sequence")) {
      if (seen_sequence) sequence->fail("appears twice in a single-sequence template");
      seen_sequence = true;
    } else {
      item.fail("must be {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
  }
  if (!seen_sequence) single.fail("has no {\"Sequence\": ...} item");
  return wrap;
}

// Bert/Roberta processors: cls and sep are ["token", id].
int32_t token_pair_id(const JsonNode& pair) {
  if (pair.array_size() != 2) pair.fail("must be [\"token\", id]");
  return static_cast<int32_t>(pair.at(1).as_int());
}

}  // namespace

SpecialTokenWrap parse_post_processor(const JsonNode& node) {
  if (node.is_null()) return {};
  std::string type = node.type();
  if (type == "ByteLevel") return {};  // adjusts offsets only
  if (type == "TemplateProcessing") return parse_template(node);
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    return {{token_pair_id(node.field("cls"))}, {token_pair_id(node.field("sep"))}};
  }
  if (type == "Sequence") {
    // Each processor wraps the result of the ones before it.
    SpecialTokenWrap wrap;
    JsonNode list = node.field("processors");
    for (size_t i = 0; i < list.array_size(); ++i) {
      SpecialTokenWrap inner = parse_post_processor(list.at(i));
      wrap.prefix.insert(wrap.prefix.begin(), inner.prefix.begin(), inner.prefix.end());
      wrap.suffix.insert(wrap.suffix.end(), inner.suffix.begin(), inner.suffix.end());
    }
    return wrap;
  }
  node.unsupported_type();
}

}  // namespace regenesis::tok
