#include "text/tokenizer_config.h"

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {
namespace {

std::optional<std::string> token_field(const JsonNode& config, const std::string& name) {
  auto node = config.optional_field(name);
  if (!node) return std::nullopt;
  if (node->value().is_string()) return node->as_string();
  if (node->value().is_object()) return node->field("content").as_string();
  node->fail("must be a string, null or an object with \"content\"");
}

}  // namespace

TokenizerConfig parse_tokenizer_config(const nlohmann::json& config, const std::string& source) {
  JsonNode root(config, source, "");
  if (!config.is_object()) root.fail("must be a JSON object");
  TokenizerConfig parsed;
  parsed.bos_token = token_field(root, "bos_token");
  parsed.eos_token = token_field(root, "eos_token");
  parsed.pad_token = token_field(root, "pad_token");
  parsed.unk_token = token_field(root, "unk_token");
  parsed.clean_up_tokenization_spaces = root.bool_or("clean_up_tokenization_spaces", false);
  parsed.tokenizer_class = root.string_or("tokenizer_class", "");
  if (auto node = root.optional_field("add_bos_token")) parsed.add_bos_token = node->as_bool();
  if (auto node = root.optional_field("add_eos_token")) parsed.add_eos_token = node->as_bool();
  return parsed;
}

bool config_sets_bos_eos(const TokenizerConfig& config) {
  static const char* const kClasses[] = {"LlamaTokenizer", "LlamaTokenizerFast", "GemmaTokenizer",
                                         "GemmaTokenizerFast", "CodeLlamaTokenizer",
                                         "CodeLlamaTokenizerFast"};
  for (const char* name : kClasses) {
    if (config.tokenizer_class == name) return config.add_bos_token || config.add_eos_token;
  }
  return false;
}

}  // namespace regenesis::tok
