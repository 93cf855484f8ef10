#include "eval/prediction.h"

#include "util/error.h"

namespace regenesis {
namespace {

OrderedJson optional_text(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

std::optional<std::string> nullable_string(const Json& object, const char* field) {
  if (!object.contains(field) || object[field].is_null()) return std::nullopt;
  if (!object[field].is_string()) fail("field '", field, "' must be a string or null");
  return object[field].get<std::string>();
}

std::optional<int> nullable_int(const Json& object, const char* field) {
  if (!object.contains(field) || object[field].is_null()) return std::nullopt;
  if (!object[field].is_number_integer()) fail("field '", field, "' must be an integer or null");
  return object[field].get<int>();
}

}  // namespace

OrderedJson prediction_to_json(const Prediction& p) {
  OrderedJson out;
  out["bench"] = p.bench;
  out["id"] = p.id;
  out["answer_type"] = p.answer_type;
  out["prompt"] = optional_text(p.prompt);
  out["completion"] = p.completion;
  out["extracted"] = optional_text(p.extracted);
  out["method"] = p.method;
  out["gold"] = p.gold;
  out["correct"] = p.correct;
  out["finish_reason"] = optional_text(p.finish_reason);
  out["prompt_tokens"] = p.prompt_tokens ? OrderedJson(*p.prompt_tokens) : OrderedJson(nullptr);
  out["completion_tokens"] = p.completion_tokens ? OrderedJson(*p.completion_tokens) : OrderedJson(nullptr);
  return out;
}

Prediction prediction_from_json(const Json& object) {
  if (!object.is_object()) fail("expected a JSON object");
  Prediction p;
  p.bench = require_string(object, "bench", "prediction");
  p.id = require_string(object, "id", "prediction");
  p.answer_type = require_string(object, "answer_type", "prediction");
  p.prompt = nullable_string(object, "prompt");
  p.completion = require_string(object, "completion", "prediction");
  p.extracted = nullable_string(object, "extracted");
  p.method = nullable_string(object, "method").value_or("");
  p.gold = require_string(object, "gold", "prediction");
  if (!object.contains("correct") || !object["correct"].is_boolean())
    fail("field 'correct' must be a boolean");
  p.correct = object["correct"].get<bool>();
  p.finish_reason = nullable_string(object, "finish_reason");
  p.prompt_tokens = nullable_int(object, "prompt_tokens");
  p.completion_tokens = nullable_int(object, "completion_tokens");
  return p;
}

std::string prediction_line(const Prediction& prediction) {
  return prediction_to_json(prediction).dump(-1, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

}  // namespace regenesis
