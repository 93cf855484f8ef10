// Request parsing and validation: what is accepted, and the status/param of what is refused.
#include "server/api_request.h"

#include <gtest/gtest.h>

#include <string>

#include "server/api_error.h"

namespace regenesis {
namespace {

ApiRequest parse(const std::string& body, ApiRoute route = ApiRoute::Completions, ApiLimits limits = {}) {
  return parse_api_request(route, body, limits);
}

// The status and param of the ApiError `body` gets (status 0 when it parses).
std::pair<int, std::string> refusal(const std::string& body, ApiRoute route = ApiRoute::Completions,
                                    ApiLimits limits = {}) {
  try {
    parse_api_request(route, body, limits);
  } catch (const ApiError& e) {
    return {e.status(), e.param()};
  }
  return {0, ""};
}

TEST(ApiRequest, CompletionFieldsAreRead) {
  ApiRequest r = parse(R"({"model": "m", "prompt": "Hi", "n": 3, "max_tokens": 7, "temperature": 0.5,
                          "top_p": 0.9, "top_k": 40, "seed": 12, "stop": ["\n", "", "END"],
                          "stream": true, "stream_options": {"include_usage": true}, "echo": true,
                          "ignore_eos": true,
                          "user": "x", "some_new_field": {"any": [1, 2]}})");
  EXPECT_EQ(r.model, "m");
  ASSERT_EQ(r.prompts, std::vector<std::string>{"Hi"});
  EXPECT_EQ(r.params.n, 3);
  EXPECT_EQ(r.max_tokens, 7);
  EXPECT_DOUBLE_EQ(r.params.temperature, 0.5);
  EXPECT_DOUBLE_EQ(r.params.top_p, 0.9);
  EXPECT_EQ(r.params.top_k, 40);
  EXPECT_EQ(r.seed, 12u);
  EXPECT_EQ(r.params.stop, (std::vector<std::string>{"\n", "END"}));  // the empty one is dropped
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_TRUE(r.echo);
  EXPECT_TRUE(r.params.ignore_eos);
}

TEST(ApiRequest, DefaultsAndNullsMeanNotGiven) {
  ApiRequest r = parse(R"({"model": "m", "prompt": "Hi", "n": null, "max_tokens": null, "seed": null,
                          "stop": null, "temperature": null, "top_k": -1, "logprobs": null})");
  EXPECT_EQ(r.params.n, 1);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_FALSE(r.seed.has_value());
  EXPECT_TRUE(r.params.stop.empty());
  EXPECT_DOUBLE_EQ(r.params.temperature, 1.0);
  EXPECT_EQ(r.params.top_k, 0);
  EXPECT_FALSE(r.stream);
}

TEST(ApiRequest, PromptListAndStopString) {
  ApiRequest r = parse(R"({"model": "m", "prompt": ["a", "b"], "stop": "###"})");
  EXPECT_EQ(r.prompts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.params.stop, std::vector<std::string>{"###"});
}

TEST(ApiRequest, ChatMessagesWithStringsPartsAndNullContent) {
  ApiRequest r = parse(R"({"model": "m", "messages": [
                            {"role": "system", "content": "Be brief."},
                            {"role": "user", "content": [{"type": "text", "text": "Hello "},
                                                         {"type": "text", "text": "there"}]},
                            {"role": "assistant", "content": null},
                            {"role": "user", "content": "Again"}],
                          "max_completion_tokens": 9, "logprobs": false})",
                       ApiRoute::Chat);
  ASSERT_EQ(r.messages.size(), 4u);
  EXPECT_EQ(r.messages[1].role, "user");
  EXPECT_EQ(r.messages[1].content, "Hello there");
  EXPECT_EQ(r.messages[2].content, "");
  EXPECT_EQ(r.max_tokens, 9);
}

TEST(ApiRequest, SeedsCoverTheWholeIntegerRange) {
  EXPECT_EQ(parse(R"({"model": "m", "prompt": "x", "seed": 18446744073709551615})").seed, ~uint64_t{0});
  EXPECT_EQ(parse(R"({"model": "m", "prompt": "x", "seed": -1})").seed, ~uint64_t{0});
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "seed": 1e30})"), std::make_pair(400, std::string("seed")));
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "seed": 99999999999999999999999})"),
            std::make_pair(400, std::string("seed")));
}

TEST(ApiRequest, MalformedBodiesAre400WithoutParam) {
  for (const char* body : {"", "{", "not json", "[1, 2]", "\"text\"", "null", "{\"model\": \"m\",}",
                           "{\"model\": \"m\", \"prompt\": \"\xff\xfe\"}", "{\"model\": 1e999}"}) {
    auto [status, param] = refusal(body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_EQ(param, "") << body;
  }
}

TEST(ApiRequest, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = "{\"model\": \"m\", \"prompt\": \"x\", \"extra\": ";
  deep.append(100000, '[').append(100000, ']').append("}");
  EXPECT_EQ(refusal(deep).first, 400);
  // Brackets inside strings are text, not nesting.
  std::string brackets = "{\"model\": \"m\", \"prompt\": \"";
  brackets.append(1000, '[').append("\"}");
  EXPECT_EQ(parse(brackets).prompts[0].size(), 1000u);
}

TEST(ApiRequest, OversizedBodyIs413) {
  ApiLimits limits;
  limits.max_body_bytes = 64;
  std::string body = R"({"model": "m", "prompt": ")";
  body.append(100, 'x').append("\"}");
  EXPECT_EQ(refusal(body, ApiRoute::Completions, limits).first, 413);
  limits.max_body_bytes = body.size();
  EXPECT_EQ(refusal(body, ApiRoute::Completions, limits).first, 0);
}

TEST(ApiRequest, MissingAndWrongTypedFieldsNameTheParam) {
  struct Case {
    const char* body;
    ApiRoute route;
    const char* param;
  };
  const ApiRoute C = ApiRoute::Completions, H = ApiRoute::Chat;
  const Case cases[] = {
      {R"({"prompt": "x"})", C, "model"},
      {R"({"model": 5, "prompt": "x"})", C, "model"},
      {R"({"model": "m"})", C, "prompt"},
      {R"({"model": "m", "prompt": 5})", C, "prompt"},
      {R"({"model": "m", "prompt": []})", C, "prompt"},
      {R"({"model": "m", "prompt": [1, 2, 3]})", C, "prompt"},
      {R"({"model": "m", "prompt": ["a", 2]})", C, "prompt"},  // token ids
      {R"({"model": "m", "prompt": ["a", true]})", C, "prompt[1]"},
      {R"({"model": "m", "prompt": "x", "n": "2"})", C, "n"},
      {R"({"model": "m", "prompt": "x", "n": 2.5})", C, "n"},
      {R"({"model": "m", "prompt": "x", "n": 0})", C, "n"},
      {R"({"model": "m", "prompt": "x", "n": -3})", C, "n"},
      {R"({"model": "m", "prompt": "x", "n": 17})", C, "n"},
      {R"({"model": "m", "prompt": "x", "n": 18446744073709551615})", C, "n"},
      {R"({"model": "m", "prompt": "x", "max_tokens": 0})", C, "max_tokens"},
      {R"({"model": "m", "prompt": "x", "max_tokens": 4097})", C, "max_tokens"},
      {R"({"model": "m", "prompt": "x", "max_tokens": "10"})", C, "max_tokens"},
      {R"({"model": "m", "prompt": "x", "temperature": -0.1})", C, "temperature"},
      {R"({"model": "m", "prompt": "x", "temperature": "hot"})", C, "temperature"},
      {R"({"model": "m", "prompt": "x", "top_p": 0})", C, "top_p"},
      {R"({"model": "m", "prompt": "x", "top_p": 1.5})", C, "top_p"},
      {R"({"model": "m", "prompt": "x", "top_k": -2})", C, "top_k"},
      {R"({"model": "m", "prompt": "x", "stop": 3})", C, "stop"},
      {R"({"model": "m", "prompt": "x", "stop": ["a", null]})", C, "stop[1]"},
      {R"({"model": "m", "prompt": "x", "stream": "yes"})", C, "stream"},
      {R"({"model": "m", "prompt": "x", "stream_options": []})", C, "stream_options"},
      {R"({"model": "m", "prompt": "x", "echo": 1})", C, "echo"},
      {R"({"model": "m", "prompt": "x", "ignore_eos": "yes"})", C, "ignore_eos"},
      {R"({"model": "m", "prompt": "x", "logprobs": 3})", C, "logprobs"},
      {R"({"model": "m", "prompt": "x", "best_of": 3})", C, "best_of"},
      {R"({"model": "m", "prompt": "x", "presence_penalty": 0.5})", C, "presence_penalty"},
      {R"({"model": "m", "prompt": "x", "logit_bias": {"5": 1}})", C, "logit_bias"},
      {R"({"model": "m", "prompt": "x", "user": 7})", C, "user"},
      {R"({"model": "m"})", H, "messages"},
      {R"({"model": "m", "messages": {}})", H, "messages"},
      {R"({"model": "m", "messages": []})", H, "messages"},
      {R"({"model": "m", "messages": ["hi"]})", H, "messages[0]"},
      {R"({"model": "m", "messages": [{"content": "hi"}]})", H, "messages[0].role"},
      {R"({"model": "m", "messages": [{"role": 1, "content": "hi"}]})", H, "messages[0].role"},
      {R"({"model": "m", "messages": [{"role": "user", "content": 5}]})", H, "messages[0].content"},
      {R"({"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]})", H,
       "messages[0].content[0]"},
      {R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "logprobs": true})", H, "logprobs"},
      {R"({"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{}]})", H, "tools"},
      {R"({"model": "m", "messages": [{"role": "user", "content": "x"}],
           "response_format": {"type": "json_object"}})", H, "response_format"},
  };
  for (const Case& c : cases) {
    auto [status, param] = refusal(c.body, c.route);
    EXPECT_EQ(status, 400) << c.body;
    EXPECT_EQ(param, c.param) << c.body;
  }
}

TEST(ApiRequest, LimitsComeFromOptions) {
  ApiLimits limits;
  limits.max_n = 2;
  limits.max_tokens = 5;
  limits.max_prompts = 2;
  limits.max_stop = 1;
  const ApiRoute C = ApiRoute::Completions;
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "n": 3})", C, limits).second, "n");
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "max_tokens": 6})", C, limits).second, "max_tokens");
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": ["a", "b", "c"]})", C, limits).second, "prompt");
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "stop": ["a", "b"]})", C, limits).second, "stop");
  EXPECT_EQ(refusal(R"({"model": "m", "prompt": "x", "n": 2, "max_tokens": 5})", C, limits).first, 0);
}

TEST(ApiRequest, ErrorBodyHasOpenAIShape) {
  try {
    parse(R"({"model": "m", "prompt": "x", "n": -1})");
    FAIL() << "accepted n = -1";
  } catch (const ApiError& e) {
    EXPECT_EQ(api_error_body(e),
              R"({"error":{"message":"'n' must be between 1 and 16, got -1","type":"invalid_request_error",)"
              R"("param":"n","code":null}})");
  }
}

}  // namespace
}  // namespace regenesis
