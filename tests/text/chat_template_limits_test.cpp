// Hostile chat-template inputs (docs/HARDENING.md): an oversized chat_template.jinja and a
// malformed template list give Errors naming the file, not an internal error.
#include <gtest/gtest.h>

#include <functional>

#include "test_support.h"
#include "text/chat_template.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::error_of;

TEST(ChatTemplateLimits, JinjaFileOverOneMebibyteIsRefused) {
  test::TempDir dir;
  write_file_atomic(dir / "chat_template.jinja",
                    std::string(kChatMLJinja) + "{# " + std::string(limits::kChatTemplateMaxBytes, 'x') + " #}");
  std::string message = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(message.find((dir / "chat_template.jinja").string()), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 1 MiB"), std::string::npos) << message;
}

TEST(ChatTemplateLimits, JinjaFileJustUnderTheLimitIsDetected) {
  test::TempDir dir;
  std::string jinja = std::string(kChatMLJinja) + "{# ";
  jinja += std::string(limits::kChatTemplateMaxBytes - jinja.size() - 3, 'x') + " #}";
  ASSERT_EQ(jinja.size(), limits::kChatTemplateMaxBytes);
  write_file_atomic(dir / "chat_template.jinja", jinja);
  EXPECT_EQ(ChatTemplate::for_model(dir.path()).name(), "chatml");
}

TEST(ChatTemplateLimits, TemplateListEntryWithNonStringNameIsSkipped) {
  // Found by the chat_template fuzzer: json::value("name", "") threw a type_error here.
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer_config.json",
                    R"({"chat_template": [{"name": 5, "template": "x"},
                                          {"name": "default", "template": 7}]})");
  std::string message = error_of([&] { ChatTemplate::for_model(dir.path()); });
  EXPECT_NE(message.find("chat_template[default]: field 'template' must be a string"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace regenesis
