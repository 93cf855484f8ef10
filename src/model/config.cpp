#include "model/config.h"

#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"

namespace regenesis {

namespace {

struct Family {
  const char* architecture;
  const char* model_type;
};
constexpr Family kFamilies[] = {{"LlamaForCausalLM", "llama"},
                                {"MistralForCausalLM", "mistral"},
                                {"Qwen2ForCausalLM", "qwen2"}};

// Reads one field with clear "SOURCE: field 'NAME' ..." errors; absent or null -> nullopt.
class Fields {
 public:
  Fields(const nlohmann::json& json, const std::string& source) : json_(json), source_(source) {
    if (!json.is_object()) fail(source, ": expected a JSON object");
  }
  bool has(const char* name) const { return json_.contains(name) && !json_[name].is_null(); }
  const nlohmann::json& at(const char* name) const { return json_[name]; }

  std::optional<int64_t> opt_int(const char* name) const {
    if (!has(name)) return std::nullopt;
    const auto& v = json_[name];
    if (!v.is_number_integer()) bad(name, "must be an integer, got ", v.dump());
    return v.get<int64_t>();
  }
  int64_t positive_int(const char* name) const {
    auto value = opt_int(name);
    if (!value) bad(name, "is missing");
    if (*value <= 0) bad(name, "must be positive, got ", *value);
    return *value;
  }
  int64_t positive_int(const char* name, int64_t fallback) const {
    if (!has(name)) return fallback;
    return positive_int(name);
  }
  double number(const char* name, double fallback) const {
    if (!has(name)) return fallback;
    const auto& v = json_[name];
    if (!v.is_number()) bad(name, "must be a number, got ", v.dump());
    return v.get<double>();
  }
  bool boolean(const char* name, bool fallback) const {
    if (!has(name)) return fallback;
    const auto& v = json_[name];
    if (!v.is_boolean()) bad(name, "must be true or false, got ", v.dump());
    return v.get<bool>();
  }
  std::string string(const char* name, const std::string& fallback) const {
    if (!has(name)) return fallback;
    const auto& v = json_[name];
    if (!v.is_string()) bad(name, "must be a string, got ", v.dump());
    return v.get<std::string>();
  }
  template <typename... Parts>
  [[noreturn]] void bad(const std::string& name, const Parts&... parts) const {
    fail(source_, ": field '", name, "' ", parts...);
  }

 private:
  const nlohmann::json& json_;
  std::string source_;
};

RopeScaling parse_rope_scaling(const nlohmann::json& json, const std::string& source) {
  Fields f(json, source + ": field 'rope_scaling'");
  RopeScaling s;
  s.type = f.string("rope_type", f.string("type", ""));
  if (s.type != "llama3" && s.type != "linear")
    f.bad("rope_type", "'", s.type, "' is not supported (supported: llama3, linear)");
  s.factor = f.number("factor", 1.0);
  if (s.factor <= 0) f.bad("factor", "must be positive");
  if (s.type == "llama3") {
    s.low_freq_factor = f.number("low_freq_factor", 1.0);
    s.high_freq_factor = f.number("high_freq_factor", 4.0);
    s.original_max_position_embeddings = f.positive_int("original_max_position_embeddings", 8192);
    if (s.high_freq_factor <= s.low_freq_factor)
      f.bad("high_freq_factor", "must exceed low_freq_factor");
  }
  return s;
}

}  // namespace

ModelConfig ModelConfig::from_json(const nlohmann::json& json, const std::string& source) {
  Fields f(json, source);
  ModelConfig c;

  c.model_type = f.string("model_type", "");
  if (f.has("architectures")) {
    const auto& arch = f.at("architectures");
    if (!arch.is_array() || arch.empty() || !arch[0].is_string())
      f.bad("architectures", "must be a non-empty list of strings");
    c.architecture = arch[0].get<std::string>();
  }
  const Family* family = nullptr;
  for (const auto& candidate : kFamilies)
    if (c.architecture == candidate.architecture ||
        (c.architecture.empty() && c.model_type == candidate.model_type))
      family = &candidate;
  if (!family) {
    if (c.architecture.empty() && c.model_type.empty()) f.bad("architectures", "is missing");
    f.bad(c.architecture.empty() ? "model_type" : "architectures", "'",
          c.architecture.empty() ? c.model_type : c.architecture,
          "' is not supported (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
  }
  c.architecture = family->architecture;
  if (c.model_type.empty()) c.model_type = family->model_type;
  if (c.model_type != family->model_type)
    f.bad("model_type", "'", c.model_type, "' does not match architecture ", c.architecture);

  c.vocab_size = f.positive_int("vocab_size");
  c.hidden_size = f.positive_int("hidden_size");
  c.intermediate_size = f.positive_int("intermediate_size");
  c.num_hidden_layers = f.positive_int("num_hidden_layers");
  c.num_attention_heads = f.positive_int("num_attention_heads");
  c.num_key_value_heads = f.positive_int("num_key_value_heads", c.num_attention_heads);
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    f.bad("num_key_value_heads", c.num_key_value_heads, " does not divide num_attention_heads ",
          c.num_attention_heads);
  if (f.has("head_dim")) {
    c.head_dim = f.positive_int("head_dim");
  } else {
    if (c.hidden_size % c.num_attention_heads != 0)
      f.bad("num_attention_heads", c.num_attention_heads, " does not divide hidden_size ",
            c.hidden_size);
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim % 2 != 0) f.bad("head_dim", "must be even for rotary embeddings, got ", c.head_dim);
  c.max_position_embeddings = f.positive_int("max_position_embeddings", 2048);

  c.rms_norm_eps = f.number("rms_norm_eps", 1e-6);
  if (c.rms_norm_eps <= 0) f.bad("rms_norm_eps", "must be positive");
  c.rope_theta = f.number("rope_theta", 10000.0);
  if (c.rope_theta <= 0) f.bad("rope_theta", "must be positive");
  if (f.has("rope_scaling")) {
    const auto& scaling = f.at("rope_scaling");
    if (!scaling.is_object()) f.bad("rope_scaling", "must be an object or null");
    // Read through Fields: json::value() would throw a type_error for a non-string rope_type.
    Fields scaling_fields(scaling, source + ": field 'rope_scaling'");
    std::string type = scaling_fields.string("rope_type", scaling_fields.string("type", ""));
    if (type != "default") c.rope_scaling = parse_rope_scaling(scaling, source);
  }

  c.tie_word_embeddings = f.boolean("tie_word_embeddings", false);
  // Qwen2 always has q/k/v biases (its config has no switch); llama's attention_bias adds them
  // to q/k/v and o.
  c.attention_bias = c.model_type == "qwen2" ? true : f.boolean("attention_bias", false);
  if (f.boolean("mlp_bias", false)) f.bad("mlp_bias", "true is not supported");
  const std::string act = f.string("hidden_act", "silu");
  if (act != "silu") f.bad("hidden_act", "'", act, "' is not supported (only silu)");
  if (c.model_type == "mistral") {
    if (auto window = f.opt_int("sliding_window")) {
      if (*window <= 0) f.bad("sliding_window", "must be positive");
      c.sliding_window = window;
    }
  } else if (c.model_type == "qwen2" && f.boolean("use_sliding_window", false)) {
    f.bad("use_sliding_window", "true is not supported");
  }

  c.bos_token_id = f.opt_int("bos_token_id");
  if (f.has("eos_token_id")) {
    const auto& eos = f.at("eos_token_id");
    if (eos.is_number_integer()) {
      c.eos_token_ids.push_back(eos.get<int64_t>());
    } else if (eos.is_array()) {
      for (const auto& id : eos) {
        if (!id.is_number_integer()) f.bad("eos_token_id", "must be an integer or a list of integers");
        c.eos_token_ids.push_back(id.get<int64_t>());
      }
    } else {
      f.bad("eos_token_id", "must be an integer or a list of integers");
    }
  }
  c.torch_dtype = f.string("torch_dtype", f.string("dtype", ""));
  return c;
}

ModelConfig ModelConfig::load(const std::filesystem::path& dir) {
  const auto path = dir / "config.json";
  if (!std::filesystem::exists(path)) fail(path.string(), ": missing (a model directory needs config.json)");
  return from_json(read_json_file(path, limits::kModelConfigMaxBytes), path.string());
}

nlohmann::ordered_json ModelConfig::to_json() const {
  nlohmann::ordered_json j;
  j["architectures"] = {architecture};
  j["model_type"] = model_type;
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["num_key_value_heads"] = num_key_value_heads;
  j["head_dim"] = head_dim;
  j["hidden_act"] = "silu";
  j["max_position_embeddings"] = max_position_embeddings;
  j["rms_norm_eps"] = rms_norm_eps;
  j["rope_theta"] = rope_theta;
  if (rope_scaling) {
    nlohmann::ordered_json s;
    s["rope_type"] = rope_scaling->type;
    s["factor"] = rope_scaling->factor;
    if (rope_scaling->type == "llama3") {
      s["low_freq_factor"] = rope_scaling->low_freq_factor;
      s["high_freq_factor"] = rope_scaling->high_freq_factor;
      s["original_max_position_embeddings"] = rope_scaling->original_max_position_embeddings;
    }
    j["rope_scaling"] = s;
  } else {
    j["rope_scaling"] = nullptr;
  }
  if (model_type != "qwen2") j["attention_bias"] = attention_bias;
  j["mlp_bias"] = false;
  j["tie_word_embeddings"] = tie_word_embeddings;
  if (model_type == "mistral") {
    j["sliding_window"] = sliding_window ? nlohmann::ordered_json(*sliding_window) : nullptr;
  } else if (model_type == "qwen2") {
    j["use_sliding_window"] = false;
  }
  j["bos_token_id"] = bos_token_id ? nlohmann::ordered_json(*bos_token_id) : nullptr;
  if (eos_token_ids.size() == 1)
    j["eos_token_id"] = eos_token_ids[0];
  else if (eos_token_ids.empty())
    j["eos_token_id"] = nullptr;
  else
    j["eos_token_id"] = eos_token_ids;
  if (!torch_dtype.empty()) j["torch_dtype"] = torch_dtype;
  return j;
}

void ModelConfig::save(const std::filesystem::path& dir) const {
  write_file_atomic(dir / "config.json", to_json().dump(2) + "\n");
}

}  // namespace regenesis
