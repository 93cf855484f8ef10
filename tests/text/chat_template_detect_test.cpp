// Family detection: the real tokenizer configs and Jinja files in ../shared, the templates in
// tests/data/chat, lightly edited variants, and the errors for unknown or missing templates.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include "test_support.h"
#include "text/chat_template.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::error_of;

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string config_with_template(const Json& chat_template) {
  return Json{{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"chat_template", chat_template}}.dump();
}

TEST(ChatTemplateDetect, RealTokenizerDirectories) {
  REGENESIS_REQUIRE_SHARED(tokenizers, "tokenizers");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"llama3", "llama3"},
      // The llama3.1 package ships Llama 3's updated template, not the 3.1 date-block one.
      {"llama3.1", "llama3-updated"},
      {"qwen3", "qwen3"},
      {"gemma3", "gemma"},
      {"smollm2", "smollm2"},  // from chat_template.jinja; its tokenizer_config has none
  };
  for (const auto& [dir, family] : expected) {
    const ChatTemplate chat = ChatTemplate::for_model(tokenizers / dir);
    EXPECT_EQ(chat.name(), family) << dir;
  }
  // bos/eos come from the config: Llama 3's eos is <|end_of_text|>, Gemma's bos <bos>.
  EXPECT_EQ(ChatTemplate::for_model(tokenizers / "llama3").eos_token(), "<|end_of_text|>");
  EXPECT_EQ(ChatTemplate::for_model(tokenizers / "gemma3").bos_token(), "<bos>");
}

TEST(ChatTemplateDetect, ConfigWithoutTemplateNamesFileAndFlag) {
  REGENESIS_REQUIRE_SHARED(dir, "tokenizers/mistral-v0.1");
  const std::string error = error_of([&] { ChatTemplate::for_model(dir); });
  EXPECT_NE(error.find((dir / "tokenizer_config.json").string()), std::string::npos) << error;
  EXPECT_NE(error.find("--chat-template NAME"), std::string::npos) << error;
  EXPECT_NE(error.find("mistral-v3"), std::string::npos) << error;
  // ... and the override picks one, keeping the config's special tokens.
  const ChatTemplate chat = ChatTemplate::for_model(dir, "mistral-v1");
  EXPECT_EQ(chat.name(), "mistral-v1");
  EXPECT_EQ(chat.render({{"user", "Hi"}}), "<s> [INST] Hi [/INST]");
}

TEST(ChatTemplateDetect, JinjaFilesInShared) {
  REGENESIS_REQUIRE_SHARED(templates, "tokenizers/chat-templates");
  const std::map<std::string, std::string> expected = {
      {"llama.cpp/meta-llama-Llama-3.1-8B-Instruct.jinja", "llama3.1"},
      {"llama.cpp/meta-llama-Llama-3.2-3B-Instruct.jinja", "llama3.1"},
      {"llama.cpp/meta-llama-Llama-3.3-70B-Instruct.jinja", "llama3.1"},
      {"llama.cpp/Qwen-Qwen2.5-7B-Instruct.jinja", "qwen2.5"},
      {"llama.cpp/Qwen-Qwen3-0.6B.jinja", "qwen3"},
      {"llama.cpp/google-gemma-2-2b-it.jinja", "gemma2"},
      {"mistral-common/v1_spm.jinja", "mistral-v1"},
      {"mistral-common/v2_spm.jinja", "mistral-v2"},
      {"mistral-common/v3_spm.jinja", "mistral-v3"},
      {"mistral-common/v3.jinja", "mistral-v3-tekken"},
      {"mistral-common/v7_spm.jinja", "mistral-v7"},
  };
  int unknown = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(templates)) {
    if (entry.path().extension() != ".jinja") continue;
    const std::string relative = std::filesystem::relative(entry.path(), templates).string();
    const auto family = ChatTemplate::detect_family(read_file(entry.path()));
    auto it = expected.find(relative);
    if (it != expected.end()) {
      EXPECT_EQ(family.value_or("(none)"), it->second) << relative;
    } else {
      // Other models' templates (QwQ, Hermes, Mistral Nemo/Small, functionary, DeepSeek, ...)
      // render differently: they must not be mistaken for a supported family.
      EXPECT_FALSE(family.has_value()) << relative << " detected as " << *family;
      ++unknown;
    }
  }
  EXPECT_GE(unknown, 15);
}

TEST(ChatTemplateDetect, TemplatesStoredWithTheTestData) {
  const auto data = test::source_dir() / "tests" / "data" / "chat";
  for (const char* file : {"chatml.json", "mistral-hf-v0.3.json"}) {
    const Json doc = read_json_file(data / file);
    EXPECT_EQ(ChatTemplate::detect_family(doc.at("template")).value_or("(none)"),
              doc.at("family").get<std::string>())
        << file;
  }
}

TEST(ChatTemplateDetect, PlainChatMLStringAndEditedVariants) {
  EXPECT_EQ(ChatTemplate::detect_family(kChatMLJinja), "chatml");
  // Reformatted: double quotes, whitespace control, line breaks, attribute access, a real
  // newline inside a string literal.
  const std::string edited =
      "{%- for message in messages -%}\n  {{ \"<|im_start|>\" + message.role + \"\\n\" + "
      "message.content + \"<|im_end|>\" + '\n' }}\n{%- endfor %}\n{%- if add_generation_prompt %}"
      "\n  {{- '<|im_start|>assistant\\n' -}}\n{%- endif %}\n";
  EXPECT_EQ(ChatTemplate::detect_family(edited), "chatml");
  // A different ChatML (default system prompt, other roles) is not plain ChatML.
  EXPECT_EQ(ChatTemplate::detect_family(replace_all(kChatMLJinja, "message['content']",
                                                    "message['content'] | trim")),
            std::nullopt);
}

TEST(ChatTemplateDetect, EditedLlama3AndGemmaStillMatch) {
  REGENESIS_REQUIRE_SHARED(tokenizers, "tokenizers");
  const std::string llama3 = read_json_file(tokenizers / "llama3/tokenizer_config.json")["chat_template"];
  // A fine-tune that respaces the template and switches to double quotes.
  std::string edited = replace_all(replace_all(llama3, "'", "\""), "%}{%", "%}\n{%");
  edited = replace_all(edited, "message[\"content\"] | trim", "message.content|trim");
  ASSERT_NE(edited, llama3);
  EXPECT_EQ(ChatTemplate::detect_family(edited), "llama3");
  const std::string gemma = read_json_file(tokenizers / "gemma3/tokenizer_config.json")["chat_template"];
  EXPECT_EQ(ChatTemplate::detect_family("{#- fine-tuned by someone -#}\n" + replace_all(gemma, "    ", "\t")),
            "gemma");
}

TEST(ChatTemplateDetect, UnknownTemplateIsAnErrorNamingFileAndFlag) {
  test::TempDir dir;
  write(dir / "tokenizer_config.json", config_with_template("{{ messages[0]['content'] }}"));
  const std::string error = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(error.find((dir / "tokenizer_config.json").string()), std::string::npos) << error;
  EXPECT_NE(error.find("not recognised"), std::string::npos) << error;
  EXPECT_NE(error.find("--chat-template NAME"), std::string::npos) << error;
  for (const std::string& name : ChatTemplate::names())
    EXPECT_NE(error.find(name), std::string::npos) << name;
  // An override still works, with the config's tokens.
  EXPECT_EQ(ChatTemplate::for_model(dir.path(), "gemma2").render({{"user", "x"}}, false),
            "<s><start_of_turn>user\nx<end_of_turn>\n");
}

TEST(ChatTemplateDetect, MissingFilesAndUnknownNames) {
  test::TempDir dir;
  std::string error = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(error.find(dir.path().string()), std::string::npos) << error;
  EXPECT_NE(error.find("--chat-template NAME"), std::string::npos) << error;
  error = error_of([&] { ChatTemplate::named("llama-9"); });
  EXPECT_NE(error.find("'llama-9'"), std::string::npos) << error;
  EXPECT_NE(error.find("--chat-template NAME"), std::string::npos) << error;
  EXPECT_NE(error.find("qwen2.5"), std::string::npos) << error;
  error = error_of([&] { ChatTemplate::for_model(dir.path(), "nope"); });
  EXPECT_NE(error.find("'nope'"), std::string::npos) << error;
}

TEST(ChatTemplateDetect, ListOfNamedTemplatesUsesDefault) {
  test::TempDir dir;
  Json list = Json::array({{{"name", "tool_use"}, {"template", "{{ unknown }}"}},
                           {{"name", "default"}, {"template", kChatMLJinja}}});
  write(dir / "tokenizer_config.json", config_with_template(list));
  EXPECT_EQ(ChatTemplate::for_model(dir.path()).name(), "chatml");

  list.erase(1);
  write(dir / "tokenizer_config.json", config_with_template(list));
  const std::string error = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(error.find("'default'"), std::string::npos) << error;
  EXPECT_NE(error.find("--chat-template NAME"), std::string::npos) << error;
}

TEST(ChatTemplateDetect, JinjaFileWinsOverConfigAndTokensMayBeObjects) {
  test::TempDir dir;
  Json config = {{"bos_token", {{"content", "<BOS>"}, {"special", true}}},
                 {"eos_token", nullptr},
                 {"chat_template", "{{ bos_token }}{% for m in messages %}?{% endfor %}"}};
  write(dir / "tokenizer_config.json", config.dump());
  write(dir / "chat_template.jinja", kChatMLJinja);
  const ChatTemplate chat = ChatTemplate::for_model(dir.path());
  EXPECT_EQ(chat.name(), "chatml");
  EXPECT_EQ(chat.bos_token(), "<BOS>");
  EXPECT_EQ(chat.eos_token(), "<|im_end|>");  // null in the config: the family default
}

TEST(ChatTemplateDetect, BadConfigFieldsAreErrorsNamingTheField) {
  test::TempDir dir;
  write(dir / "tokenizer_config.json", R"({"chat_template": 42})");
  std::string error = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(error.find("'chat_template'"), std::string::npos) << error;
  write(dir / "tokenizer_config.json", R"({"bos_token": 7, "chat_template": "x"})");
  error = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(error.find("'bos_token'"), std::string::npos) << error;
}

}  // namespace
}  // namespace regenesis
