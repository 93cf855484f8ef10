// Hostile OpenAI-server responses (docs/HARDENING.md): a number JSON cannot hold and deep
// nesting are MalformedResponse (retried like any bad answer), never an internal error or a
// stack overflow; an error body nested too deep is shown as text.
#include <gtest/gtest.h>

#include <string>

#include "engine/openai_client_wire.h"

namespace regenesis {
namespace {

std::string malformed_message(const std::string& body) {
  try {
    parse_openai_response(body, OpenAIRoute::Completions, 1, 16);
  } catch (const MalformedResponse& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected MalformedResponse";
  return "";
}

TEST(OpenAIWireLimits, NumberBeyondDoubleIsMalformed) {
  std::string message = malformed_message(R"({"choices": [{"text": "hi"}], "usage": {"prompt_tokens": 1e400}})");
  EXPECT_NE(message.find("invalid JSON"), std::string::npos) << message;
}

TEST(OpenAIWireLimits, DeepNestingIsMalformed) {
  const size_t levels = 200'000;
  std::string body = R"({"choices": [{"text": "hi", "logprobs": )" + std::string(levels, '[') +
                     std::string(levels, ']') + "}]}";
  std::string message = malformed_message(body);
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
}

TEST(OpenAIWireLimits, ShallowResponseStillParses) {
  ParsedResponse parsed = parse_openai_response(
      R"({"choices": [{"text": "hi", "logprobs": [[[1]]]}], "usage": {"completion_tokens": 1}})",
      OpenAIRoute::Completions, 1, 16);
  ASSERT_EQ(parsed.completions.size(), 1u);
  EXPECT_EQ(parsed.completions[0].text, "hi");
}

TEST(OpenAIWireLimits, DeepErrorBodyIsShownAsText) {
  std::string body = "{\"detail\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  std::string message = openai_error_message(body);
  EXPECT_EQ(message, body.substr(0, 300) + "...");
}

}  // namespace
}  // namespace regenesis
