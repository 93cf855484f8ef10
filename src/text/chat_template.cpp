#include "text/chat_template.h"

#include "text/chat_template_family.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::string choose_hint() {
  return "; choose one with `--chat-template NAME`, one of: " + join(ChatTemplate::names(), ", ");
}

// tokenizer_config.json writes special tokens as a string or as an AddedToken object.
std::string special_token(const Json& config, const char* field, const std::string& source) {
  auto it = config.find(field);
  if (it == config.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  fail(source, ": field '", field, "' must be a string or an object with a string 'content'");
}

// The "chat_template" value: a string, or the "default" entry of a list of {name, template}.
// Empty when absent.
std::string config_template(const Json& config, const std::string& source) {
  auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    for (const Json& entry : *it) {
      // not entry.value("name", ""): it throws a type_error when name is not a string
      if (entry.is_object() && entry.contains("name") && entry["name"] == "default")
        return require_string(entry, "template", source + ": chat_template[default]");
    }
    fail(source, ": chat_template is a list without a 'default' entry", choose_hint());
  }
  fail(source, ": field 'chat_template' must be a string or a list of {name, template}, got ",
       it->type_name());
}

}  // namespace

ChatTemplate::ChatTemplate(const chat_detail::Family& family, std::string bos_token,
                           std::string eos_token)
    : family_(&family),
      name_(family.name),
      bos_token_(bos_token.empty() ? family.default_bos : std::move(bos_token)),
      eos_token_(eos_token.empty() ? family.default_eos : std::move(eos_token)) {}

std::vector<std::string> ChatTemplate::names() {
  std::vector<std::string> out;
  for (const chat_detail::Family& family : chat_detail::families()) out.push_back(family.name);
  return out;
}

ChatTemplate ChatTemplate::named(const std::string& name, const std::string& bos_token,
                                 const std::string& eos_token) {
  const chat_detail::Family* family = chat_detail::find_family(name);
  if (!family)
    fail("unknown chat template '", name, "'; choose one with `--chat-template NAME`, one of: ",
         join(names(), ", "));
  return ChatTemplate(*family, bos_token, eos_token);
}

ChatTemplate ChatTemplate::for_model(const std::filesystem::path& dir,
                                     const std::string& override_name) {
  const auto config_path = dir / "tokenizer_config.json";
  const auto jinja_path = dir / "chat_template.jinja";
  Json config = Json::object();
  if (std::filesystem::exists(config_path)) {
    config = read_json_file(config_path);
    if (!config.is_object()) fail(config_path.string(), ": expected a JSON object");
  }
  const std::string bos = special_token(config, "bos_token", config_path.string());
  const std::string eos = special_token(config, "eos_token", config_path.string());
  if (!override_name.empty()) return named(override_name, bos, eos);

  // transformers reads chat_template.jinja over the config's chat_template.
  std::string source;
  std::string source_name;
  if (std::filesystem::exists(jinja_path)) {
    source = read_file(jinja_path, limits::kChatTemplateMaxBytes);
    source_name = jinja_path.string();
  } else if (std::filesystem::exists(config_path)) {
    source = config_template(config, config_path.string());
    source_name = config_path.string();
    if (source.empty())
      fail(source_name, ": no chat_template (and no ", jinja_path.filename().string(), ")",
           choose_hint());
  } else {
    fail(dir.string(), ": no tokenizer_config.json or chat_template.jinja to detect the chat "
                       "template from", choose_hint());
  }
  std::optional<std::string> family = detect_family(source);
  if (!family)
    fail(source_name, ": chat template not recognised (it matches none of the supported families)",
         choose_hint());
  return named(*family, bos, eos);
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages,
                                 bool add_generation_prompt) const {
  return family_->render(messages, add_generation_prompt, {bos_token_, eos_token_});
}

}  // namespace regenesis
