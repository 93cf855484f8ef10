// OpenAIClient against fake OpenAI-compatible servers over real loopback HTTP: request bodies,
// parsing, routing, n, usage, balancing and concurrency limits. Faults: openai_client_fault_test.
#include <cstdlib>

#include <gtest/gtest.h>

#include "engine/openai_client.h"
#include "engine/openai_client_wire.h"
#include "fake_openai_server.h"
#include "openai_client_test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::Delivered;
using test::FakeOpenAIServer;
using test::fast_options;
using test::full_answer;

TEST(OpenAIClient, CompletionsRequestCarriesSamplingParamsAndParsesChoices) {
  FakeOpenAIServer server;
  OpenAIClient client(fast_options({server.base_url()}));
  GenerationRequest sampled = test::prompt_request("a", "what is 2+2", /*n=*/2, /*seed=*/7);
  sampled.params.temperature = 0.7;
  sampled.params.top_p = 0.9;
  sampled.params.top_k = 20;
  sampled.params.stop = {"@@", "###"};
  GenerationRequest greedy = test::prompt_request("b", "hello", 1, 0, /*max_tokens=*/32);
  greedy.params.temperature = 0.0;

  Delivered out;
  test::run_batch(client, {sampled, greedy}, out);

  ASSERT_EQ(out.calls, (std::map<std::string, int>{{"a", 1}, {"b", 1}}));
  EXPECT_TRUE(out.all_on_calling_thread);
  const GenerationResult& a = out.by_id["a"];
  EXPECT_EQ(a.request_id, "a");
  EXPECT_EQ(a.prompt_tokens, 3);  // "what", "is", "2+2"
  ASSERT_EQ(a.completions.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(a.completions[i].text, "re: what is 2+2 | seed 7 sample " + std::to_string(i) + " | done");
    EXPECT_EQ(a.completions[i].finish, FinishReason::Stop);
    EXPECT_EQ(a.completions[i].completion_tokens, 11);  // 22 in usage, equal texts share equally
  }
  EXPECT_EQ(out.by_id["b"].completions.at(0).text, full_answer("hello", 0, 0));
  EXPECT_EQ(out.by_id["b"].completions.at(0).completion_tokens, 9);

  // One HTTP request per request (n travels in the body), with every sampling field mapped.
  auto records = server.records();
  ASSERT_EQ(records.size(), 2u);
  for (const auto& record : records) {
    EXPECT_EQ(record.path, "/v1/completions");
    EXPECT_EQ(record.body["model"], "fake-model");
    EXPECT_EQ(record.authorization, "");  // no api_key_env, no header
    if (record.body["prompt"] == "what is 2+2") {
      EXPECT_DOUBLE_EQ(record.body["temperature"].get<double>(), 0.7);
      EXPECT_DOUBLE_EQ(record.body["top_p"].get<double>(), 0.9);
      EXPECT_EQ(record.body["top_k"], 20);
      EXPECT_EQ(record.body["max_tokens"], 64);
      EXPECT_EQ(record.body["n"], 2);
      EXPECT_EQ(record.body["seed"], 7);
      EXPECT_EQ(record.body["stop"], nlohmann::json::array({"@@", "###"}));
    } else {
      EXPECT_EQ(record.body["prompt"], "hello");
      EXPECT_DOUBLE_EQ(record.body["temperature"].get<double>(), 0.0);
      EXPECT_FALSE(record.body.contains("top_k"));  // 0 means no top-k: not sent
      EXPECT_FALSE(record.body.contains("stop"));
      EXPECT_EQ(record.body["max_tokens"], 32);
      EXPECT_EQ(record.body["n"], 1);
    }
  }
}

TEST(OpenAIClient, ChatRequestsGoToChatCompletionsAndPromptsToCompletions) {
  FakeOpenAIServer server;
  OpenAIClient client(fast_options({server.base_url()}));
  Delivered out;
  test::run_batch(client,
                  {test::chat_request("chat", {{"system", "be brief"}, {"user", "hi"}}, 3),
                   test::prompt_request("raw", "hi")},
                  out);

  const GenerationResult& chat = out.by_id.at("chat");
  EXPECT_EQ(chat.completions.at(0).text, "re: system:be brief user:hi | seed 3 sample 0 | done");
  EXPECT_EQ(chat.prompt_tokens, 3);
  EXPECT_EQ(out.by_id.at("raw").completions.at(0).text, full_answer("hi", 0, 0));
  for (const auto& record : server.records()) {
    if (record.body.contains("messages")) {
      EXPECT_EQ(record.path, "/v1/chat/completions");
      EXPECT_EQ(record.body["messages"],
                nlohmann::json::parse(R"([{"role":"system","content":"be brief"},)"
                                      R"({"role":"user","content":"hi"}])"));
    } else {
      EXPECT_EQ(record.path, "/v1/completions");
    }
  }
}

TEST(OpenAIClient, StopStringsAndMaxTokensGiveStopAndLengthFinishReasons) {
  FakeOpenAIServer server;
  OpenAIClient client(fast_options({server.base_url()}));
  GenerationRequest stopped = test::prompt_request("stopped", "what is 2+2");
  stopped.params.stop = {" |"};
  GenerationRequest cut = test::prompt_request("cut", "what is 2+2", 1, 0, /*max_tokens=*/3);
  Delivered out;
  test::run_batch(client, {stopped, cut}, out);

  const Completion& s = out.by_id.at("stopped").completions.at(0);
  EXPECT_EQ(s.text, "re: what is 2+2");
  EXPECT_EQ(s.finish, FinishReason::Stop);
  EXPECT_EQ(s.completion_tokens, 4);
  const Completion& c = out.by_id.at("cut").completions.at(0);
  EXPECT_EQ(c.text, "re: what is");
  EXPECT_EQ(c.finish, FinishReason::Length);
  EXPECT_EQ(c.completion_tokens, 3);
}

TEST(OpenAIClient, ChoicesAreOrderedByTheirIndex) {
  FakeOpenAIServer server;
  server.set_reverse_choices(true);
  OpenAIClient client(fast_options({server.base_url()}));
  Delivered out;
  test::run_batch(client, {test::prompt_request("r", "q", 3, 5)}, out);
  const auto& completions = out.by_id.at("r").completions;
  ASSERT_EQ(completions.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(completions[i].text, full_answer("q", 5, i));
}

TEST(OpenAIClient, OneRequestPerSampleSendsSeedPlusIndex) {
  FakeOpenAIServer server;
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.one_request_per_sample = true;
  OpenAIClient client(options);
  Delivered out;
  test::run_batch(client, {test::prompt_request("r", "q", 3, 40)}, out);

  const auto& completions = out.by_id.at("r").completions;
  ASSERT_EQ(completions.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(completions[i].text, full_answer("q", 40 + i, 0));
    EXPECT_EQ(completions[i].completion_tokens, 9);
  }
  EXPECT_EQ(out.by_id.at("r").prompt_tokens, 1);
  std::multiset<int> seeds;
  for (const auto& record : server.records()) {
    EXPECT_EQ(record.body["n"], 1);
    seeds.insert(record.body["seed"].get<int>());
  }
  EXPECT_EQ(seeds, (std::multiset<int>{40, 41, 42}));
}

TEST(OpenAIClient, UsageIsAccountedPerEndpointAndOverall) {
  FakeOpenAIServer first, second;
  OpenAIClient client(fast_options({first.base_url(), second.base_url()}));
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 12; ++i) requests.push_back(test::prompt_request("r" + std::to_string(i), "q", 2, i));
  Delivered out;
  test::run_batch(client, requests, out);
  ASSERT_EQ(out.by_id.size(), 12u);

  UsageReport usage = client.usage();
  // Independent count: each prompt is 1 word, each answer "re: q | seed S sample I | done" 9.
  EXPECT_EQ(usage.total.requests, 12);
  EXPECT_EQ(usage.total.prompt_tokens, 12);
  EXPECT_EQ(usage.total.completion_tokens, 12 * 2 * 9);
  EXPECT_EQ(usage.total.failed_attempts, 0);
  ASSERT_EQ(usage.endpoints.size(), 2u);
  EXPECT_EQ(usage.endpoints[0].endpoint, first.base_url());
  EXPECT_EQ(usage.endpoints[1].endpoint, second.base_url());
  EXPECT_EQ(usage.endpoints[0].usage.requests, first.requests());
  EXPECT_EQ(usage.endpoints[1].usage.requests, second.requests());
  EXPECT_EQ(usage.endpoints[0].usage.completion_tokens + usage.endpoints[1].usage.completion_tokens,
            usage.total.completion_tokens);
  long long from_results = 0;
  for (const auto& [id, result] : out.by_id) {
    for (const auto& completion : result.completions) from_results += completion.completion_tokens;
  }
  EXPECT_EQ(from_results, usage.total.completion_tokens);
}

TEST(OpenAIClient, BalancesAcrossEndpointsWithinConcurrencyLimits) {
  FakeOpenAIServer first, second;
  first.set_delay(std::chrono::milliseconds(5));
  second.set_delay(std::chrono::milliseconds(5));
  OpenAIClientOptions options = fast_options({first.base_url(), second.base_url()});
  options.max_concurrency_per_endpoint = 2;
  options.endpoints[1].max_concurrency = 3;  // a per-endpoint override
  OpenAIClient client(options);
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 30; ++i) requests.push_back(test::prompt_request("r" + std::to_string(i), "q" + std::to_string(i)));
  Delivered out;
  test::run_batch(client, requests, out);

  ASSERT_EQ(out.by_id.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    std::string id = "r" + std::to_string(i);
    EXPECT_EQ(out.calls[id], 1);
    EXPECT_EQ(out.by_id[id].completions.at(0).text, full_answer("q" + std::to_string(i), 0, 0));
  }
  EXPECT_GT(first.requests(), 0);
  EXPECT_GT(second.requests(), 0);
  EXPECT_EQ(first.requests() + second.requests(), 30);
  EXPECT_LE(first.max_in_flight(), 2);
  EXPECT_LE(second.max_in_flight(), 3);
}

TEST(OpenAIClient, ApiKeyIsReadFromTheNamedEnvironmentVariable) {
  FakeOpenAIServer server;
  server.require_api_key("sekrit-123");
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.api_key_env = "REGENESIS_TEST_OPENAI_KEY";
  ::setenv("REGENESIS_TEST_OPENAI_KEY", "sekrit-123", 1);
  {
    OpenAIClient client(options);
    EXPECT_EQ(client.describe().find("sekrit"), std::string::npos);
    Delivered out;
    test::run_batch(client, {test::prompt_request("r", "q")}, out);
    EXPECT_EQ(out.calls["r"], 1);
    EXPECT_EQ(server.records().at(0).authorization, "Bearer sekrit-123");
  }
  ::unsetenv("REGENESIS_TEST_OPENAI_KEY");
  try {
    OpenAIClient client(options);
    FAIL() << "expected an Error for the unset variable";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("REGENESIS_TEST_OPENAI_KEY"), std::string::npos) << e.what();
  }
}

TEST(OpenAIClient, InvalidRequestsFailBeforeAnythingIsSent) {
  FakeOpenAIServer server;
  OpenAIClientOptions options = fast_options({server.base_url()});
  OpenAIClient client(options);
  GenerationRequest both = test::prompt_request("both", "q");
  both.messages = {{"user", "q"}};
  GenerationRequest no_samples = test::prompt_request("none", "q", 0);
  Delivered out;
  EXPECT_THROW(test::run_batch(client, {test::prompt_request("ok", "q"), both}, out), Error);
  EXPECT_THROW(test::run_batch(client, {no_samples}, out), Error);

  options.api_mode = OpenAIApiMode::Completions;
  OpenAIClient completions_only(options);
  try {
    test::run_batch(completions_only, {test::chat_request("c", {{"user", "q"}})}, out);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("request 'c'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.requests(), 0);
  EXPECT_TRUE(out.calls.empty());
}

TEST(OpenAIClient, OptionsAreValidatedNamingTheField) {
  OpenAIClientOptions options = fast_options({"localhost:8000/v1"});
  try {
    OpenAIClient client(options);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("endpoints[0].base_url"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_openai_api_mode("both"), Error);
  EXPECT_EQ(parse_openai_api_mode("chat"), OpenAIApiMode::Chat);
}

TEST(OpenAIWire, UsageIsSharedOverChoicesAddingUpToTheTotal) {
  // Hand-computed: the length-cut choice gets max_tokens (3); the other 7 tokens are split over
  // the stopped ones by text length + 1 (2 : 10), rounded so the shares add up: 1 and 6.
  std::string body = R"({"choices":[
      {"index":0,"text":"a b c","finish_reason":"length"},
      {"index":1,"text":"x","finish_reason":"stop"},
      {"index":2,"text":"yyyy yyyy","finish_reason":"stop"}],
    "usage":{"prompt_tokens":5,"completion_tokens":10}})";
  ParsedResponse parsed = parse_openai_response(body, OpenAIRoute::Completions, 3, 3);
  EXPECT_EQ(parsed.prompt_tokens, 5);
  ASSERT_EQ(parsed.completions.size(), 3u);
  EXPECT_EQ(parsed.completions[0].completion_tokens, 3);
  EXPECT_EQ(parsed.completions[1].completion_tokens, 1);
  EXPECT_EQ(parsed.completions[2].completion_tokens, 6);
  EXPECT_EQ(parsed.completions[0].finish, FinishReason::Length);
  EXPECT_THROW(parse_openai_response(body, OpenAIRoute::Completions, 2, 3), MalformedResponse);
  EXPECT_THROW(parse_openai_response(body, OpenAIRoute::Chat, 3, 3), MalformedResponse);
}

TEST(OpenAIWire, ErrorMessagesComeFromOpenAIAndVllmBodies) {
  EXPECT_EQ(openai_error_message(R"({"error":{"message":"too long","type":"invalid_request_error"}})"),
            "too long");
  EXPECT_EQ(openai_error_message(R"({"object":"error","message":"bad model","code":404})"), "bad model");
  EXPECT_EQ(openai_error_message("upstream gone"), "upstream gone");
}

}  // namespace
}  // namespace regenesis
