// Building a Tokenizer from tokenizer.json (+ tokenizer_config.json).
#include <chrono>

#include "text/tokenizer_config.h"
#include "text/tokenizer_impl.h"
#include "text/tokenizer_json_reader.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/log.h"

namespace regenesis {
namespace {

using tok::JsonNode;

std::unique_ptr<tok::BpeModel> make_model(const JsonNode& root, tok::BpeTables* tables) {
  JsonNode model = root.field("model");
  std::string type;
  if (auto type_node = model.optional_field("type")) {
    type = type_node->as_string();
  } else if (model.optional_field("merges")) {
    type = "BPE";  // files from older tokenizers versions leave the type out
  }
  if (type != "BPE") {
    if (type.empty()) model.fail("has no \"type\" (only BPE models are supported)");
    model.unsupported_type();
  }
  return tok::BpeModel::from_json(model, tables);
}

void add_added_tokens(Tokenizer::Impl& impl, const JsonNode& root) {
  if (auto list = root.optional_field("added_tokens")) impl.added = tok::parse_added_tokens(*list);
  for (size_t i = 0; i < impl.added.size(); ++i) {
    const tok::AddedToken& token = impl.added[i];
    impl.added_by_id.emplace(token.id, i);
    impl.added_by_content.emplace(token.content, token.id);
    if (token.normalized) {
      tok::AddedToken normalized = token;
      if (impl.normalizer) impl.normalizer->normalize(normalized.content);
      if (!normalized.content.empty()) impl.added_normalized.push_back(std::move(normalized));
    }
  }
  impl.raw_matcher = tok::AddedTokenMatcher(impl.added, [](const tok::AddedToken& t) {
    return !t.normalized;
  });
  impl.normalized_matcher = tok::AddedTokenMatcher(impl.added_normalized,
                                                   [](const tok::AddedToken&) { return true; });
}

// Resolves a configured special token name to an id; a name the vocabulary lacks is ignored with
// a warning (transformers would add it as a new token with no trained embedding).
void resolve_special(const Tokenizer::Impl& impl, const std::optional<std::string>& name,
                     const char* field, const std::string& config_source,
                     std::optional<int32_t>& id, std::string& token) {
  if (!name) return;
  std::optional<int32_t> found;
  if (auto it = impl.added_by_content.find(*name); it != impl.added_by_content.end()) {
    found = it->second;
  } else {
    found = impl.model->token_to_id(*name);
  }
  if (!found) {
    log_warn(config_source + ": " + field + " '" + *name + "' is not in the vocabulary; ignored");
    return;
  }
  id = found;
  token = *name;
}

std::shared_ptr<Tokenizer::Impl> build(const nlohmann::json& tokenizer_json,
                                       const std::string& source,
                                       tok::BpeTables* tables = nullptr) {
  JsonNode root(tokenizer_json, source, "");
  if (!tokenizer_json.is_object()) root.fail("must be a JSON object (a tokenizer.json)");
  auto impl = std::make_shared<Tokenizer::Impl>();
  impl->source = source;
  impl->model = make_model(root, tables);
  if (auto node = root.optional_field("normalizer")) impl->normalizer = tok::make_normalizer(*node);
  if (auto node = root.optional_field("pre_tokenizer")) {
    impl->pre_tokenizer = tok::make_pre_tokenizer(*node);
  }
  if (auto node = root.optional_field("post_processor")) {
    impl->special_wrap = tok::parse_post_processor(*node);
  }
  static const nlohmann::json kNull;
  auto decoder = root.optional_field("decoder");
  impl->decoder = tok::DecoderChain::from_json(decoder ? *decoder : JsonNode(kNull, source, "decoder"));
  add_added_tokens(*impl, root);

  int32_t max_id = impl->model->max_id();
  for (const auto& token : impl->added) max_id = std::max(max_id, token.id);
  impl->vocab_size = static_cast<size_t>(max_id + 1);
  for (const auto* ids : {&impl->special_wrap.prefix, &impl->special_wrap.suffix}) {
    for (int32_t id : *ids) {
      if (static_cast<size_t>(id) >= impl->vocab_size) {
        fail(source, ": post_processor adds token id ", id, ", beyond the vocabulary");
      }
    }
  }
  // Without a tokenizer_config.json, the BOS is what the post-processor puts first.
  if (!impl->special_wrap.prefix.empty()) {
    impl->bos_id = impl->special_wrap.prefix.front();
    bool is_added = false;
    if (const std::string* text = impl->token_text(*impl->bos_id, is_added)) impl->bos_token = *text;
  }
  return impl;
}

void apply_config(Tokenizer::Impl& impl, const nlohmann::json& config_json,
                  const std::string& config_source) {
  tok::TokenizerConfig config = tok::parse_tokenizer_config(config_json, config_source);
  if (config_json.contains("bos_token")) {
    impl.bos_id.reset();
    impl.bos_token.clear();
  }
  resolve_special(impl, config.bos_token, "bos_token", config_source, impl.bos_id, impl.bos_token);
  resolve_special(impl, config.eos_token, "eos_token", config_source, impl.eos_id, impl.eos_token);
  resolve_special(impl, config.pad_token, "pad_token", config_source, impl.pad_id, impl.pad_token);
  impl.decoder.set_cleanup(config.clean_up_tokenization_spaces);
  if (tok::config_sets_bos_eos(config)) {
    bool add_bos = config.add_bos_token.value_or(true);
    bool add_eos = config.add_eos_token.value_or(false);
    if ((add_bos && !impl.bos_id) || (add_eos && !impl.eos_id)) {
      fail(config_source, ": add_", add_bos && !impl.bos_id ? "bos" : "eos",
           "_token is true but there is no such token");
    }
    impl.special_wrap.prefix.clear();
    impl.special_wrap.suffix.clear();
    if (add_bos) impl.special_wrap.prefix.push_back(*impl.bos_id);
    if (add_eos) impl.special_wrap.suffix.push_back(*impl.eos_id);
  }
}

}  // namespace

Tokenizer Tokenizer::from_json(const nlohmann::json& tokenizer_json, const std::string& source_name) {
  return Tokenizer(build(tokenizer_json, source_name));
}

Tokenizer Tokenizer::from_json(const nlohmann::json& tokenizer_json, const std::string& source_name,
                               const nlohmann::json& tokenizer_config,
                               const std::string& config_source_name) {
  auto impl = build(tokenizer_json, source_name);
  apply_config(*impl, tokenizer_config, config_source_name);
  return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::load(const std::filesystem::path& dir_or_file) {
  namespace fs = std::filesystem;
  auto start = std::chrono::steady_clock::now();
  fs::path json_path = dir_or_file;
  std::optional<fs::path> config_path;
  if (fs::is_directory(dir_or_file)) {
    json_path = dir_or_file / "tokenizer.json";
    if (!fs::exists(json_path)) fail(dir_or_file.string(), ": no tokenizer.json in this directory");
    if (fs::exists(dir_or_file / "tokenizer_config.json")) {
      config_path = dir_or_file / "tokenizer_config.json";
    }
  } else if (!fs::exists(dir_or_file)) {
    fail(dir_or_file.string(), ": no such file or directory (expected a tokenizer directory or a tokenizer.json)");
  }
  tok::BpeTables tables;
  nlohmann::json tokenizer_json =
      tok::parse_tokenizer_json(read_file(json_path, limits::kJsonFileMaxBytes), json_path.string(), tables);
  auto impl = build(tokenizer_json, json_path.string(), &tables);
  if (config_path) apply_config(*impl, read_json_file(*config_path), config_path->string());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log_debug("loaded tokenizer " + json_path.string() + " (" + std::to_string(impl->vocab_size) +
            " tokens) in " + std::to_string(seconds) + " s");
  return Tokenizer(std::move(impl));
}

}  // namespace regenesis
