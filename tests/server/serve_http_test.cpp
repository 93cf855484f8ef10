// `regenesis serve` end to end: a child process over real HTTP on 127.0.0.1, its answers
// compared with the embedded engine's for the same requests and seeds.
#include <gtest/gtest.h>

#include <thread>

#include "serve_fixture.h"
#include "serve_process.h"
#include "sse_parse.h"

namespace regenesis {
namespace {

using nlohmann::json;
using test::reference_result;

class ServeHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::ServeProcess(test::serve_args({"--max-n", "4", "--max-tokens-limit", "64"}));
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->terminate(), 0) << server_->stderr_text();
    delete server_;
    server_ = nullptr;
  }
  static int port() { return server_->port(); }
  static test::ServeProcess* server_;
};
test::ServeProcess* ServeHttp::server_ = nullptr;

GenerationRequest raw(const std::string& prompt, SamplingParams params) {
  GenerationRequest r;
  r.id = "ref";
  r.prompt = prompt;
  r.params = std::move(params);
  return r;
}

SamplingParams sampling(double temperature, uint64_t seed, int max_tokens, int n = 1) {
  SamplingParams p;
  p.temperature = temperature;
  p.seed = seed;
  p.max_tokens = max_tokens;
  p.n = n;
  return p;
}

json completion_body(const GenerationRequest& r) {
  json body = {{"model", "tiny"},
               {"max_tokens", r.params.max_tokens},
               {"temperature", r.params.temperature},
               {"top_p", r.params.top_p},
               {"n", r.params.n},
               {"seed", r.params.seed}};
  if (r.params.top_k > 0) body["top_k"] = r.params.top_k;
  if (!r.params.stop.empty()) body["stop"] = r.params.stop;
  if (r.prompt) {
    body["prompt"] = *r.prompt;
  } else {
    body["messages"] = json::array();
    for (const auto& m : r.messages) body["messages"].push_back({{"role", m.role}, {"content", m.content}});
  }
  return body;
}

// The server's JSON answer holds exactly the reference's completions and token counts.
void expect_matches(const json& body, const GenerationResult& ref, bool chat) {
  ASSERT_EQ(body["choices"].size(), ref.completions.size()) << body.dump();
  long long completion_tokens = 0;
  for (size_t i = 0; i < ref.completions.size(); ++i) {
    const json& choice = body["choices"][i];
    EXPECT_EQ(choice["index"], i);
    const json& text = chat ? choice["message"]["content"] : choice["text"];
    EXPECT_EQ(text.get<std::string>(), ref.completions[i].text) << "choice " << i;
    EXPECT_EQ(choice["finish_reason"], finish_reason_name(ref.completions[i].finish)) << "choice " << i;
    EXPECT_TRUE(choice["logprobs"].is_null());
    if (chat) EXPECT_EQ(choice["message"]["role"], "assistant");
    completion_tokens += ref.completions[i].completion_tokens;
  }
  EXPECT_EQ(body["usage"]["prompt_tokens"], ref.prompt_tokens);
  EXPECT_EQ(body["usage"]["completion_tokens"], completion_tokens);
  EXPECT_EQ(body["usage"]["total_tokens"], ref.prompt_tokens + completion_tokens);
  EXPECT_EQ(body["model"], "tiny");
  EXPECT_GT(body["created"].get<long long>(), 1600000000);
}

TEST_F(ServeHttp, HealthAndModels) {
  const auto health = test::http_call(port(), "GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  const auto models = test::http_call(port(), "GET", "/v1/models");
  ASSERT_EQ(models.status, 200);
  const json list = models.json();
  EXPECT_EQ(list["object"], "list");
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["id"], "tiny");
  EXPECT_EQ(list["data"][0]["object"], "model");
  EXPECT_EQ(list["data"][0]["max_model_len"], test::reference_engine().max_context());
}

TEST_F(ServeHttp, GreedyCompletionEqualsEmbedded) {
  const auto ref = reference_result(raw("The capital of France is", sampling(0, 0, 12)));
  const auto reply = test::post_json(port(), "/v1/completions", completion_body(raw("The capital of France is", sampling(0, 0, 12))));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json");
  const json body = reply.json();
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["id"].get<std::string>().rfind("cmpl-", 0), 0u);
  expect_matches(body, ref, false);
}

TEST_F(ServeHttp, SeededSamplingEqualsEmbedded) {
  GenerationRequest r = raw("Once upon a time", sampling(0.9, 1234, 16, 3));
  r.params.top_p = 0.95;
  r.params.top_k = 50;
  const auto ref = reference_result(r);
  const auto reply = test::post_json(port(), "/v1/completions", completion_body(r));
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_matches(reply.json(), ref, false);
  // Another seed gives other samples (the seed reaches the engine).
  r.params.seed = 99;
  const json other = test::post_json(port(), "/v1/completions", completion_body(r)).json();
  EXPECT_NE(other["choices"][0]["text"], reply.json()["choices"][0]["text"]);
}

TEST_F(ServeHttp, ChatEqualsEmbedded) {
  GenerationRequest r;
  r.id = "chat";
  r.messages = {{"system", "You are terse."}, {"user", "What is 2 + 3?"}};
  r.params = sampling(0.7, 42, 10, 2);
  const auto ref = reference_result(r);
  const auto reply = test::post_json(port(), "/v1/chat/completions", completion_body(r));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json body = reply.json();
  EXPECT_EQ(body["object"], "chat.completion");
  expect_matches(body, ref, true);
}

TEST_F(ServeHttp, StopStringsEqualEmbedded) {
  const std::string prompt = "Numbers: one, two, three,";
  const auto free_run = reference_result(raw(prompt, sampling(0, 0, 24)));
  const std::string& text = free_run.completions[0].text;
  // A stop string taken from the middle of what the model would say.
  size_t at = 4;
  while (at < text.size() && !std::isalpha(static_cast<unsigned char>(text[at]))) ++at;
  ASSERT_LT(at, text.size()) << "no letter in: " << text;
  GenerationRequest r = raw(prompt, sampling(0, 0, 24));
  r.params.stop = {"never-said", text.substr(at, 1)};
  const auto ref = reference_result(r);
  ASSERT_EQ(ref.completions[0].finish, FinishReason::Stop);
  const auto reply = test::post_json(port(), "/v1/completions", completion_body(r));
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_matches(reply.json(), ref, false);
  EXPECT_EQ(text.rfind(ref.completions[0].text, 0), 0u);  // a prefix of the free run
}

TEST_F(ServeHttp, StreamAddsUpToTheSameCompletions) {
  GenerationRequest r = raw("Streaming test prompt", sampling(0.8, 7, 10, 2));
  const auto ref = reference_result(r);
  json body = completion_body(r);
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  const auto reply = test::post_json(port(), "/v1/completions", body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "text/event-stream");
  const test::StreamSummary s = test::summarize_stream(reply.body, /*chat=*/false);
  EXPECT_TRUE(s.done_last);
  EXPECT_EQ(s.ids.size(), 1u);
  long long completion_tokens = 0;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(s.text.at(i), ref.completions[i].text);
    EXPECT_EQ(s.finish_reason.at(i), finish_reason_name(ref.completions[i].finish));
    EXPECT_EQ(s.finish_chunks.at(i), 1);
    completion_tokens += ref.completions[i].completion_tokens;
    // Token by token, not one chunk per choice: about one text chunk per generated token.
    int text_chunks = 0;
    for (const auto& chunk : s.chunks)
      if (chunk["choices"].size() == 1 && chunk["choices"][0]["index"] == i &&
          !chunk["choices"][0].value("text", "").empty())
        ++text_chunks;
    EXPECT_GE(text_chunks, ref.completions[i].completion_tokens / 2) << "choice " << i;
  }
  EXPECT_EQ(s.usage["prompt_tokens"], ref.prompt_tokens);
  EXPECT_EQ(s.usage["completion_tokens"], completion_tokens);
}

TEST_F(ServeHttp, ChatStreamAnnouncesTheRoleThenContent) {
  GenerationRequest r;
  r.messages = {{"user", "Say something."}};
  r.params = sampling(0, 0, 8);
  const auto ref = reference_result(r);
  json body = completion_body(r);
  body["stream"] = true;
  const auto reply = test::post_json(port(), "/v1/chat/completions", body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const test::StreamSummary s = test::summarize_stream(reply.body, /*chat=*/true);
  EXPECT_EQ(s.roles, std::vector<std::string>{"assistant"});
  EXPECT_EQ(s.chunks.front()["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(s.text.at(0), ref.completions[0].text);
  EXPECT_EQ(s.finish_reason.at(0), finish_reason_name(ref.completions[0].finish));
  EXPECT_TRUE(s.usage.is_null());
  EXPECT_TRUE(s.done_last);
  for (const auto& chunk : s.chunks) EXPECT_FALSE(chunk.contains("usage"));
}

TEST_F(ServeHttp, ConcurrentClientsEachGetTheirOwnResult) {
  // Eight clients at once, different prompts and seeds: each answer is the one the embedded
  // engine gives that request alone (the running batch does not mix them up).
  constexpr int kClients = 8;
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < kClients; ++i)
    requests.push_back(raw("Client " + std::to_string(i) + " asks:", sampling(i % 2 ? 1.0 : 0, 100 + i, 12)));
  std::vector<test::HttpReply> replies(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] { replies[i] = test::post_json(port(), "/v1/completions", completion_body(requests[i])); });
  for (auto& t : clients) t.join();
  for (int i = 0; i < kClients; ++i) {
    ASSERT_EQ(replies[i].status, 200) << replies[i].body;
    expect_matches(replies[i].json(), reference_result(requests[i]), false);
  }
}

TEST_F(ServeHttp, SeveralPromptsInOneRequestAndEcho) {
  const auto a = reference_result(raw("First prompt", sampling(0, 0, 6)));
  const auto b = reference_result(raw("Second prompt", sampling(0, 0, 6)));
  const json body = {{"model", "tiny"}, {"prompt", {"First prompt", "Second prompt"}}, {"max_tokens", 6},
                     {"temperature", 0}, {"echo", true}};
  const auto reply = test::post_json(port(), "/v1/completions", body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json out = reply.json();
  ASSERT_EQ(out["choices"].size(), 2u);
  EXPECT_EQ(out["choices"][0]["text"], "First prompt" + a.completions[0].text);
  EXPECT_EQ(out["choices"][1]["text"], "Second prompt" + b.completions[0].text);
  EXPECT_EQ(out["usage"]["prompt_tokens"], a.prompt_tokens + b.prompt_tokens);
}

TEST_F(ServeHttp, RefusalsAreOpenAIErrors) {
  struct Case {
    std::string path, body;
    int status;
    std::string param;
  };
  std::string long_prompt;
  for (int i = 0; i < 3000; ++i) long_prompt += "word ";
  const std::vector<Case> cases = {
      {"/v1/completions", R"({"model": "gpt-4", "prompt": "x"})", 404, "model"},
      {"/v1/completions", R"({"model": "tiny", "prompt": "x", "n": 5})", 400, "n"},
      {"/v1/completions", R"({"model": "tiny", "prompt": "x", "max_tokens": 65})", 400, "max_tokens"},
      {"/v1/completions", R"({"model": "tiny", "prompt": "x", "temperature": -1})", 400, "temperature"},
      {"/v1/completions", R"({"model": "tiny", "prompt": "x", "top_p": 0})", 400, "top_p"},
      {"/v1/completions", R"({"model": "tiny", "prompt": ""})", 400, "prompt"},
      {"/v1/completions", R"({"model": "tiny", "prompt": ")" + long_prompt + "\"}", 400, "prompt"},
      {"/v1/chat/completions", R"({"model": "tiny", "prompt": "x"})", 400, "messages"},
      {"/v1/chat/completions", R"({"model": "tiny", "messages": [{"role": "user", "content": "x"}],
                                   "stream": true, "n": 0})", 400, "n"},
      {"/v1/completions", "{\"model\": \"tiny\", \"prompt\": ", 400, ""},
  };
  for (const Case& c : cases) {
    const auto reply = test::http_call(port(), "POST", c.path, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 200) << " -> " << reply.body;
    ASSERT_EQ(reply.content_type, "application/json") << c.body.substr(0, 200);
    const json error = reply.json()["error"];
    EXPECT_TRUE(error["message"].is_string());
    EXPECT_EQ(error["type"], "invalid_request_error");
    EXPECT_EQ(error["param"], c.param.empty() ? json() : json(c.param)) << c.body.substr(0, 200);
    EXPECT_TRUE(error.contains("code"));
  }
  const auto missing = test::http_call(port(), "GET", "/v1/engines");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "not_found");
}

}  // namespace
}  // namespace regenesis
