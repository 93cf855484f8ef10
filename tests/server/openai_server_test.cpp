// OpenAIServer in this process over a scripted CompletionSource: what the HTTP layer itself
// guarantees (concurrency, error shapes of the library's own refusals, graceful stop), without
// an engine.
#include "server/openai_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "serve_fixture.h"
#include "serve_process.h"
#include "server/api_error.h"

namespace regenesis {
namespace {

using nlohmann::json;

// Answers each request with its prompt reversed, but only once `release()` is called (or at
// once when auto_release), so tests can hold requests in flight.
class GateSource : public CompletionSource {
 public:
  void submit(GenerationRequest request, CompletionCallbacks callbacks) override {
    std::unique_lock<std::mutex> lock(mutex_);
    held_.push_back({std::move(request), std::move(callbacks)});
    ++submitted_;
    changed_.notify_all();
    if (auto_release_) release_locked(lock);
  }
  bool streams_tokens() const override { return false; }
  void drain() override {}

  // Waits (bounded) until `count` requests were submitted in total.
  bool wait_submitted(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return submitted_ >= count; });
  }
  void release() {
    std::unique_lock<std::mutex> lock(mutex_);
    auto_release_ = true;
    release_locked(lock);
  }

 private:
  void release_locked(std::unique_lock<std::mutex>& lock) {
    auto held = std::move(held_);
    held_.clear();
    lock.unlock();
    for (auto& [request, callbacks] : held) {
      GenerationResult result;
      result.request_id = request.id;
      result.prompt_tokens = 1;
      Completion c;
      c.text = std::string(request.prompt->rbegin(), request.prompt->rend());
      c.completion_tokens = 1;
      c.finish = FinishReason::Stop;
      result.completions.assign(request.params.n, c);
      callbacks.on_done(result);
    }
    lock.lock();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<GenerationRequest, CompletionCallbacks>> held_;
  int submitted_ = 0;
  bool auto_release_ = false;
};

ServedModel bytes_model() {
  ServedModel m;
  m.name = "gate";
  m.max_context = 1000;
  m.count_prompt_tokens = [](const GenerationRequest& r) { return r.prompt ? r.prompt->size() : 1; };
  return m;
}

struct RunningServer {
  explicit RunningServer(CompletionSource& source, ServerOptions options = {})
      : server(bytes_model(), source, options) {
    port = server.bind();
    thread = std::thread([this] { server.serve(); });
  }
  ~RunningServer() {
    server.stop();
    if (thread.joinable()) thread.join();
  }
  OpenAIServer server;
  int port = 0;
  std::thread thread;
};

std::string body_for(const std::string& prompt) {
  return json{{"model", "gate"}, {"prompt", prompt}, {"max_tokens", 3}}.dump();
}

TEST(OpenAIServer, ConcurrentRequestsReachTheSourceTogether) {
  // All twelve are in the source at the same time: the HTTP layer does not serialize them.
  GateSource source;
  RunningServer running(source);
  constexpr int kClients = 12;
  std::vector<test::HttpReply> replies(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      replies[i] = test::http_call(running.port, "POST", "/v1/completions", body_for("abc" + std::to_string(i)));
    });
  const bool all_in_flight = source.wait_submitted(kClients);
  source.release();
  for (auto& t : clients) t.join();
  EXPECT_TRUE(all_in_flight);
  for (int i = 0; i < kClients; ++i) {
    ASSERT_EQ(replies[i].status, 200) << replies[i].body;
    const std::string prompt = "abc" + std::to_string(i);
    EXPECT_EQ(replies[i].json()["choices"][0]["text"], std::string(prompt.rbegin(), prompt.rend()));
  }
}

TEST(OpenAIServer, LibraryRefusalsHaveOpenAIErrorBodies) {
  GateSource source;
  source.release();
  ServerOptions options;
  options.limits.max_body_bytes = 100;
  RunningServer running(source, options);
  // Over the body limit.
  const std::string big = body_for(std::string(200, 'x'));
  auto reply = test::http_call(running.port, "POST", "/v1/completions", big);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.json()["error"]["code"], "request_too_large");
  // Unknown route, and a known path with the wrong method.
  for (auto [method, path] : {std::pair{"GET", "/v1/nothing"}, std::pair{"GET", "/v1/completions"},
                              std::pair{"POST", "/health"}}) {
    reply = test::http_call(running.port, method, path, "{}");
    EXPECT_EQ(reply.status, 404) << method << " " << path;
    EXPECT_EQ(reply.json()["error"]["type"], "invalid_request_error");
  }
  // Not HTTP at all: a 400 (or the connection closed), and the server carries on.
  const std::string garbage = test::raw_exchange(running.port, "\x16\x03\x01 hello?\r\n\r\n",
                                                   std::chrono::milliseconds(5000), /*close_write=*/true);
  EXPECT_TRUE(garbage.empty() || test::http_status(garbage) == 400) << garbage;
  reply = test::http_call(running.port, "POST", "/v1/completions", body_for("ok"));
  EXPECT_EQ(reply.status, 200);
}

TEST(OpenAIServer, StopAnswersTheRequestsInFlight) {
  GateSource source;
  auto running = std::make_unique<RunningServer>(source);
  const int port = running->port;
  test::HttpReply in_flight;
  std::thread client([&] { in_flight = test::http_call(port, "POST", "/v1/completions", body_for("late")); });
  ASSERT_TRUE(source.wait_submitted(1));
  running->server.stop();  // while the request waits for its completion
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(test::raw_exchange(port, test::http_request("GET", "/health")), "");  // no longer accepting
  source.release();
  client.join();
  running.reset();  // serve() has returned
  ASSERT_EQ(in_flight.status, 200);
  EXPECT_EQ(in_flight.json()["choices"][0]["text"], "etal");
}

TEST(OpenAIServer, SourceErrorsBecomeTheirStatus) {
  class Refusing : public CompletionSource {
   public:
    void submit(GenerationRequest, CompletionCallbacks callbacks) override {
      callbacks.on_error(ApiError(503, "the server is shutting down", "", "", "server_error"));
    }
    bool streams_tokens() const override { return false; }
    void drain() override {}
  } source;
  RunningServer running(source);
  const auto reply = test::http_call(running.port, "POST", "/v1/completions", body_for("x"));
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.json()["error"]["type"], "server_error");
}

}  // namespace
}  // namespace regenesis
