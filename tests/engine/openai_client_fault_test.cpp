// OpenAIClient under faults, over real loopback HTTP: 5xx/429 (with Retry-After), timeouts, a
// server going away mid-batch, endpoints that keep failing, 400s with OpenAI error bodies,
// malformed answers. Each request's result must arrive exactly once, or not at all on failure.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "engine/openai_client.h"
#include "fake_openai_server.h"
#include "openai_client_test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

using test::Delivered;
using test::FakeFault;
using test::FakeOpenAIServer;
using test::fast_options;
using test::full_answer;
using Json = nlohmann::json;

std::vector<GenerationRequest> numbered_requests(int count, int n = 1) {
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < count; ++i) {
    requests.push_back(test::prompt_request("r" + std::to_string(i), "q" + std::to_string(i), n, 100 + i));
  }
  return requests;
}

// Every request delivered exactly once with the fake model's answers.
void expect_all_correct(const Delivered& out, int count, int n = 1) {
  ASSERT_EQ(out.by_id.size(), static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::string id = "r" + std::to_string(i);
    EXPECT_EQ(out.calls.at(id), 1) << id;
    const auto& completions = out.by_id.at(id).completions;
    ASSERT_EQ(completions.size(), static_cast<size_t>(n)) << id;
    for (int s = 0; s < n; ++s) {
      EXPECT_EQ(completions[s].text, full_answer("q" + std::to_string(i), 100 + i, s)) << id;
    }
  }
  EXPECT_TRUE(out.all_on_calling_thread);
}

std::string error_of(OpenAIClient& client, const std::vector<GenerationRequest>& requests,
                     Delivered& out) {
  try {
    test::run_batch(client, requests, out);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected generate() to throw an Error";
  return "";
}

TEST(OpenAIClientFaults, ServerErrorsAreRetriedUntilEveryResultArrivesOnce) {
  FakeOpenAIServer server;
  server.set_fault([](int arrival, const Json&) -> std::optional<FakeFault> {
    if (arrival < 3) return FakeFault{{}, 500, R"({"error":{"message":"overloaded"}})", ""};
    if (arrival < 5) return FakeFault{{}, 503, "Service Unavailable", ""};
    return std::nullopt;
  });
  OpenAIClient client(fast_options({server.base_url()}));
  Delivered out;
  test::run_batch(client, numbered_requests(8, 2), out);
  expect_all_correct(out, 8, 2);
  EXPECT_EQ(server.requests(), 8 + 5);
  EXPECT_EQ(client.usage().total.failed_attempts, 5);
  EXPECT_EQ(client.usage().total.requests, 8);
}

TEST(OpenAIClientFaults, RateLimitWaitsForRetryAfter) {
  FakeOpenAIServer server;
  server.set_fault([](int arrival, const Json&) -> std::optional<FakeFault> {
    if (arrival == 0) return FakeFault{{}, 429, R"({"error":{"message":"slow down"}})", "1"};
    return std::nullopt;
  });
  OpenAIClient client(fast_options({server.base_url()}));
  Delivered out;
  test::run_batch(client, numbered_requests(1), out);
  expect_all_correct(out, 1);
  auto records = server.records();
  ASSERT_EQ(records.size(), 2u);
  // The backoff alone would retry within 20 ms; Retry-After asked for a second.
  EXPECT_GE(records[1].arrived - records[0].arrived, std::chrono::milliseconds(1000));
}

TEST(OpenAIClientFaults, TimedOutAttemptsAreRetried) {
  FakeOpenAIServer server;
  server.set_fault([](int arrival, const Json&) -> std::optional<FakeFault> {
    if (arrival == 0) return FakeFault{std::chrono::milliseconds(5000), 0, "", ""};
    return std::nullopt;
  });
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.request_timeout = std::chrono::milliseconds(400);
  OpenAIClient client(options);
  Delivered out;
  test::run_batch(client, numbered_requests(3), out);
  expect_all_correct(out, 3);
  EXPECT_EQ(server.requests(), 4);
  EXPECT_EQ(client.usage().total.failed_attempts, 1);
}

TEST(OpenAIClientFaults, SplitSamplesSurviveFailuresWithoutDuplicates) {
  FakeOpenAIServer server;
  server.set_fault([](int arrival, const Json&) -> std::optional<FakeFault> {
    if (arrival < 9 && arrival % 3 == 0) return FakeFault{{}, 502, "bad gateway", ""};
    return std::nullopt;
  });
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.one_request_per_sample = true;
  OpenAIClient client(options);
  Delivered out;
  test::run_batch(client, numbered_requests(4, 3), out);
  ASSERT_EQ(out.by_id.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    std::string id = "r" + std::to_string(i);
    EXPECT_EQ(out.calls.at(id), 1);
    for (int s = 0; s < 3; ++s) {  // sample s is its own request with seed + s
      EXPECT_EQ(out.by_id.at(id).completions.at(s).text, full_answer("q" + std::to_string(i), 100 + i + s, 0));
    }
  }
  EXPECT_EQ(server.requests(), 12 + 3);
}

TEST(OpenAIClientFaults, ServerStoppedMidBatchEverythingCompletesThroughTheOther) {
  FakeOpenAIServer doomed, survivor;
  doomed.set_delay(std::chrono::milliseconds(10));
  survivor.set_delay(std::chrono::milliseconds(10));
  OpenAIClientOptions options = fast_options({doomed.base_url(), survivor.base_url()});
  options.max_concurrency_per_endpoint = 2;
  options.max_retries = 8;
  OpenAIClient client(options);
  std::jthread killer([&] {
    for (int i = 0; i < 5000 && doomed.requests() < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    doomed.stop();
  });
  Delivered out;
  test::run_batch(client, numbered_requests(30), out);
  killer.join();
  expect_all_correct(out, 30);
  EXPECT_GE(doomed.requests(), 3);
  EXPECT_GT(survivor.requests(), 0);
  EXPECT_EQ(client.usage().total.requests, 30);
}

TEST(OpenAIClientFaults, EndpointThatKeepsFailingIsSetAside) {
  FakeOpenAIServer broken, healthy;
  broken.set_fault([](int, const Json&) -> std::optional<FakeFault> {
    return FakeFault{{}, 500, R"({"error":{"message":"GPU fell off"}})", ""};
  });
  OpenAIClientOptions options = fast_options({broken.base_url(), healthy.base_url()});
  options.endpoints[0].max_concurrency = 1;
  options.failures_to_cool_down = 2;
  OpenAIClient client(options);
  Delivered out;
  test::run_batch(client, numbered_requests(20), out);
  expect_all_correct(out, 20);
  // One attempt at a time there: after its second failure in a row it gets nothing more.
  EXPECT_LE(broken.requests(), 2);
  EXPECT_EQ(healthy.requests(), 20);
}

TEST(OpenAIClientFaults, BadRequestFailsAtOnceWithTheServersMessage) {
  FakeOpenAIServer server;
  const std::string message = "This model's maximum context length is 8 tokens, you asked for 12.";
  server.set_fault([&](int, const Json& body) -> std::optional<FakeFault> {
    if (body.value("prompt", "") != "too long") return std::nullopt;
    return FakeFault{{}, 400, Json{{"error", {{"message", message}, {"type", "invalid_request_error"}}}}.dump(), ""};
  });
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.max_concurrency_per_endpoint = 1;  // requests go one after another, in order
  OpenAIClient client(options);
  auto requests = numbered_requests(5);
  requests[2] = test::prompt_request("long", "too long");
  Delivered out;
  std::string error = error_of(client, requests, out);
  EXPECT_NE(error.find(message), std::string::npos) << error;
  EXPECT_NE(error.find("request 'long'"), std::string::npos) << error;
  EXPECT_NE(error.find("HTTP 400"), std::string::npos) << error;
  // Not retried; what finished before is delivered once, nothing is started after.
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(out.calls, (std::map<std::string, int>{{"r0", 1}, {"r1", 1}}));
}

TEST(OpenAIClientFaults, MalformedAnswersAreRetried) {
  FakeOpenAIServer server;
  server.set_fault([](int arrival, const Json&) -> std::optional<FakeFault> {
    if (arrival == 0) return FakeFault{{}, 200, R"({"choices": [{"text": "cut o)", ""};
    if (arrival == 1) return FakeFault{{}, 200, R"({"object": "text_completion"})", ""};
    if (arrival == 2) return FakeFault{{}, 200, R"({"choices": [{"text": 42}]})", ""};
    return std::nullopt;
  });
  OpenAIClient client(fast_options({server.base_url()}));
  Delivered out;
  test::run_batch(client, numbered_requests(1), out);
  expect_all_correct(out, 1);
  EXPECT_EQ(server.requests(), 4);
}

TEST(OpenAIClientFaults, AlwaysMalformedFailsClearlyAfterTheRetryBudget) {
  FakeOpenAIServer server;
  server.set_fault([](int, const Json&) -> std::optional<FakeFault> {
    return FakeFault{{}, 200, "<html>proxy error</html>", ""};
  });
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.max_retries = 2;
  OpenAIClient client(options);
  Delivered out;
  std::string error = error_of(client, numbered_requests(1), out);
  EXPECT_NE(error.find("malformed response"), std::string::npos) << error;
  EXPECT_NE(error.find("after 3 attempts"), std::string::npos) << error;
  EXPECT_EQ(server.requests(), 3);
  EXPECT_TRUE(out.calls.empty());
}

TEST(OpenAIClientFaults, AllEndpointsDownFailsNamingEachEndpoint) {
  std::string first_url, second_url;
  {
    FakeOpenAIServer first, second;  // taken ports, closed again: connections are refused
    first_url = first.base_url();
    second_url = second.base_url();
  }
  OpenAIClientOptions options = fast_options({first_url, second_url});
  options.max_retries = 3;
  OpenAIClient client(options);
  Delivered out;
  std::string error = error_of(client, numbered_requests(2), out);
  EXPECT_NE(error.find("after 4 attempts"), std::string::npos) << error;
  EXPECT_NE(error.find(first_url), std::string::npos) << error;
  EXPECT_NE(error.find(second_url), std::string::npos) << error;
  EXPECT_NE(error.find("onnect"), std::string::npos) << error;  // curl: "Couldn't connect" etc.
  EXPECT_TRUE(out.calls.empty());
}

TEST(OpenAIClientFaults, ThrowingCallbackLeavesTheClientUsable) {
  FakeOpenAIServer server;
  OpenAIClientOptions options = fast_options({server.base_url()});
  options.max_concurrency_per_endpoint = 2;
  OpenAIClient client(options);
  struct Stop {};
  // Both slots are taken when the first result throws, so each round abandons one attempt in
  // flight; if its slot were not given back, two rounds would leave none and the last batch
  // could never start.
  for (int round = 0; round < 2; ++round) {
    EXPECT_THROW(client.generate(numbered_requests(3), [](GenerationResult) { throw Stop{}; }), Stop);
  }
  Delivered out;
  test::run_batch(client, numbered_requests(3), out);
  expect_all_correct(out, 3);
}

}  // namespace
}  // namespace regenesis
