// Malformed requests against a `regenesis serve` process: random bytes, truncated JSON, deep
// nesting, wrong types, huge and negative numbers. Each gets a 4xx with an OpenAI error body
// (or, for a mutation that happens to be a valid request, a 200), and the server stays up.
#include <gtest/gtest.h>

#include <random>

#include "serve_fixture.h"
#include "serve_process.h"

namespace regenesis {
namespace {

using nlohmann::json;

class ServeFuzz : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::ServeProcess(test::serve_args({"--max-tokens-limit", "4", "--max-n", "2",
                                                       "--max-body-bytes", "65536"}));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // The server still answers and its process is alive.
  static void expect_alive() {
    ASSERT_TRUE(server_->running()) << server_->stderr_text();
    EXPECT_EQ(test::http_call(server_->port(), "GET", "/health").status, 200);
    const auto ok = test::post_json(server_->port(), "/v1/completions",
                                    {{"model", "tiny"}, {"prompt", "still there?"}, {"max_tokens", 2}});
    EXPECT_EQ(ok.status, 200) << ok.body;
  }
  static test::ServeProcess* server_;
};
test::ServeProcess* ServeFuzz::server_ = nullptr;

// A 4xx whose body is {"error": {"message": string, "type", "param", "code"}}.
void expect_client_error(const test::HttpReply& reply, const std::string& what) {
  EXPECT_GE(reply.status, 400) << what;
  EXPECT_LT(reply.status, 500) << what << " -> " << reply.body;
  try {
    const json error = json::parse(reply.body).at("error");
    EXPECT_TRUE(error.at("message").is_string()) << what;
    EXPECT_TRUE(error.contains("type") && error.contains("param") && error.contains("code")) << what;
  } catch (const json::exception& e) {
    ADD_FAILURE() << what << ": error body is not OpenAI's shape: " << reply.body.substr(0, 200);
  }
}

TEST_F(ServeFuzz, RandomBytes) {
  std::mt19937 rng(20240607);
  for (int i = 0; i < 200; ++i) {
    std::string body(rng() % 300, '\0');
    for (char& c : body) c = static_cast<char>(rng() % 256);
    if (i % 3 == 0 && !body.empty()) body[0] = '{';  // get past the first byte of the parser
    const char* path = i % 2 ? "/v1/chat/completions" : "/v1/completions";
    expect_client_error(test::http_call(server_->port(), "POST", path, body), "random body " + std::to_string(i));
  }
  expect_alive();
}

TEST_F(ServeFuzz, TruncatedJson) {
  const std::string valid = json{{"model", "tiny"},
                                 {"messages", {{{"role", "user"}, {"content", "Hi there"}}}},
                                 {"max_tokens", 2},
                                 {"stop", {"a", "b"}},
                                 {"stream", true}}
                                .dump();
  ASSERT_EQ(test::http_call(server_->port(), "POST", "/v1/chat/completions", valid).status, 200);
  for (size_t cut = 0; cut < valid.size(); ++cut)
    expect_client_error(test::http_call(server_->port(), "POST", "/v1/chat/completions", valid.substr(0, cut)),
                        "cut at " + std::to_string(cut));
  expect_alive();
}

TEST_F(ServeFuzz, DeepNesting) {
  const std::vector<std::string> bodies = {
      std::string(50000, '['),
      std::string(20000, '[') + std::string(20000, ']'),
      "{\"model\": \"tiny\", \"prompt\": \"x\", \"extra\": " + std::string(30000, '[') + std::string(30000, ']') + "}",
      [] {
        std::string s;
        for (int i = 0; i < 10000; ++i) s += "{\"a\":";
        return s + "1" + std::string(10000, '}');
      }(),
  };
  for (size_t i = 0; i < bodies.size(); ++i)
    expect_client_error(test::http_call(server_->port(), "POST", "/v1/completions", bodies[i]),
                        "nesting case " + std::to_string(i));
  expect_alive();
}

TEST_F(ServeFuzz, WrongTypesHugeAndNegativeNumbers) {
  const json base = {{"model", "tiny"}, {"prompt", "Hello"}, {"max_tokens", 2}, {"n", 1}, {"temperature", 0.5},
                     {"top_p", 0.9}, {"top_k", 5}, {"seed", 3}, {"stop", "x"}, {"stream", false}, {"echo", false}};
  // Values that are wrong for every one of these fields.
  const std::vector<json> always_wrong = {json::array({json::array({json::array()})}), json::object({{"k", 1}})};
  for (const auto& [field, _] : base.items()) {
    for (const json& value : always_wrong) {
      json body = base;
      body[field] = value;
      expect_client_error(test::post_json(server_->port(), "/v1/completions", body), field + "=" + value.dump());
    }
  }
  // Specific refusals: numbers out of range or of the wrong kind.
  const std::vector<std::pair<std::string, json>> wrong = {
      {"n", -1}, {"n", 0}, {"n", -9223372036854775807LL - 1}, {"n", 3}, {"n", 1e30}, {"n", 2.0},
      {"n", json::parse("99999999999999999999")}, {"n", "1"}, {"n", true},
      {"max_tokens", -5}, {"max_tokens", 5}, {"max_tokens", 1e300}, {"max_tokens", json::parse("18446744073709551615")},
      {"temperature", -1e-9}, {"temperature", -1e308}, {"temperature", "0"},
      {"top_p", 0}, {"top_p", 1.0000001}, {"top_p", -1}, {"top_p", 1e308},
      {"top_k", -7}, {"top_k", 1e10}, {"seed", 1.5}, {"seed", 1e40}, {"seed", "7"},
      {"prompt", 42}, {"prompt", json::array()}, {"prompt", json::array({1, 2})}, {"prompt", ""},
      {"model", ""}, {"model", std::string(10000, 'm')}, {"stream", 1}, {"stop", json::array({1})},
      {"logprobs", 5}, {"best_of", 2}, {"frequency_penalty", 1e308},
  };
  for (const auto& [field, value] : wrong) {
    json body = base;
    body[field] = value;
    expect_client_error(test::post_json(server_->port(), "/v1/completions", body), field + "=" + value.dump());
  }
  // Bad bytes inside an otherwise valid body: invalid UTF-8, a NUL, a lone surrogate escape.
  for (const std::string& prompt : {std::string("\"\xc3\x28\""), std::string("\"a\0b\"", 5), std::string("\"\\ud800\"")}) {
    const std::string body = "{\"model\": \"tiny\", \"max_tokens\": 2, \"prompt\": " + prompt + "}";
    const auto reply = test::http_call(server_->port(), "POST", "/v1/completions", body);
    EXPECT_TRUE(reply.status == 200 || (reply.status >= 400 && reply.status < 500)) << reply.body;
  }
  expect_alive();
}

TEST_F(ServeFuzz, GarbageInsteadOfHttp) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::string bytes(1 + rng() % 2000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    if (i % 2) bytes = "POST /v1/completions HTTP/1.1\r\nContent-Length: " + std::to_string(rng()) + "\r\n\r\n" + bytes;
    const std::string reply = test::raw_exchange(server_->port(), bytes, std::chrono::milliseconds(3000),
                                                 /*close_write=*/true);
    const int status = test::http_status(reply);
    EXPECT_TRUE(reply.empty() || (status >= 400 && status < 500)) << reply.substr(0, 200);
  }
  expect_alive();
}

}  // namespace
}  // namespace regenesis
