#pragma once
// A small OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (port chosen by the OS),
// a deterministic "model", fault injection and observations (requests seen, most in flight).
//
// The fake model answers `content` (the prompt, or for chat the messages as "role:content"
// joined by spaces) with the words
//     re: <content> | seed <seed> sample <i> | done
// where a "token" is one space-separated word. A stop string cuts the text before its first
// occurrence (finish "stop"); more words than max_tokens cut it to max_tokens words (finish
// "length"); otherwise the whole text (finish "stop"). prompt_tokens = words in content.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
class Server;
}

namespace regenesis::test {

// What a fault hook makes the server do with one request instead of (or before) answering.
struct FakeFault {
  std::chrono::milliseconds delay{0};  // wait first (cut short when the server stops)
  int status = 0;                      // 0: then answer normally; else answer with this status
  std::string body;                    // the canned body for `status`
  std::string retry_after;             // Retry-After header value, if not empty
};

struct FakeRequestRecord {
  std::string path;  // "/v1/completions" or "/v1/chat/completions"
  nlohmann::json body;
  std::string authorization;
  std::chrono::steady_clock::time_point arrived;
};

class FakeOpenAIServer {
 public:
  explicit FakeOpenAIServer(std::string model = "fake-model");
  ~FakeOpenAIServer();

  std::string base_url() const;  // http://127.0.0.1:<port>/v1
  // Closes the listening socket: later connections are refused. Requests in flight finish.
  void stop();

  // Consulted for every request with its arrival number (0-based, over all requests).
  void set_fault(std::function<std::optional<FakeFault>(int arrival, const nlohmann::json& body)> hook);
  void set_delay(std::chrono::milliseconds delay);  // before every answer
  void require_api_key(std::string key);            // else 401 with an OpenAI error body
  void set_reverse_choices(bool reverse);            // list choices last index first

  int requests() const;
  int max_in_flight() const;
  std::vector<FakeRequestRecord> records() const;

 private:
  void handle(const std::string& path, const std::string& body, const std::string& authorization,
              int& status, std::string& reply, std::string& retry_after);
  void pause(std::chrono::milliseconds delay);

  std::string model_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  std::function<std::optional<FakeFault>(int, const nlohmann::json&)> fault_;
  std::chrono::milliseconds delay_{0};
  std::string api_key_;
  bool reverse_choices_ = false;
  std::vector<FakeRequestRecord> records_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

}  // namespace regenesis::test
