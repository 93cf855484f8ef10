// Fuzzes config.json parsing (ModelConfig::from_json, model/config.h): the input is the file.
// A config that parses must satisfy what the Transformer relies on and survive a round trip
// through to_json() unchanged.
#include "fuzz_support.h"
#include "model/config.h"
#include "util/error.h"
#include "util/json.h"

using namespace regenesis;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ModelConfig config;
  try {
    config = ModelConfig::from_json(parse_json(std::string(fuzz::as_text(data, size)), "config.json"),
                                    "config.json");
  } catch (const Error&) {
    return 0;
  }
  fuzz::require(config.vocab_size > 0 && config.hidden_size > 0 && config.intermediate_size > 0 &&
                    config.num_hidden_layers > 0 && config.head_dim > 0,
                "a size field is not positive");
  fuzz::require(config.num_attention_heads > 0 && config.num_key_value_heads > 0 &&
                    config.num_attention_heads % config.num_key_value_heads == 0,
                "num_key_value_heads does not divide num_attention_heads");
  fuzz::require(config.head_dim % 2 == 0, "head_dim is odd");
  fuzz::require(config.rms_norm_eps > 0 && config.rope_theta > 0, "eps or theta not positive");

  const std::string written = config.to_json().dump();
  ModelConfig again;
  try {
    again = ModelConfig::from_json(nlohmann::json::parse(written), "round trip");
  } catch (const Error& e) {
    fuzz::require(false, std::string("to_json() output does not parse back: ") + e.what());
  }
  fuzz::require(again.to_json().dump() == written, "to_json() -> from_json() changes the config");
  return 0;
}
