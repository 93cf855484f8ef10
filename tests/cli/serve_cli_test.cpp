// `regenesis serve` as a command: flags, errors that exit 1, and shutdown on SIGTERM/SIGINT that
// answers the request in flight and exits 0. (The API itself is tested in tests/server.)
#include <gtest/gtest.h>

#include <csignal>

#include "../server/serve_process.h"
#include "run_support.h"

namespace regenesis {
namespace {

std::vector<std::string> serve(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--model", test::tiny_model().string(), "--threads", "1", "--dtype", "f32"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(ServeCli, HelpListsTheFlags) {
  const auto r = test::run_regenesis({"serve", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--model", "--adapter", "--host", "--port", "--served-model-name", "--dtype", "--threads",
                           "--max-batch", "--max-context", "--max-body-bytes", "--max-n", "--max-tokens-limit"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(ServeCli, UserErrorsExitOne) {
  EXPECT_EQ(test::run_regenesis({"serve", "--port", "0"}).exit_code, 1);  // no --model
  test::TempDir dir;
  const auto missing = test::run_regenesis({"serve", "--model", (dir / "none").string(), "--port", "0"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("model directory not found"), std::string::npos) << missing.err;
  const auto bad_port = test::run_regenesis({"serve", "--model", test::tiny_model().string(), "--port", "70000"});
  EXPECT_EQ(bad_port.exit_code, 1);
}

TEST(ServeCli, APortInUseIsAnError) {
  test::ServeProcess first(serve({}));
  auto args = std::vector<std::string>{"serve"};
  for (const auto& a : serve({"--port", std::to_string(first.port())})) args.push_back(a);
  const auto second = test::run_regenesis(args);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << second.err;
  EXPECT_EQ(first.terminate(), 0);
}

// Connects, sends a streaming request, returns the socket once the first event arrived.
int open_stream(int port, const std::string& body, std::string& received) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  const std::string request = test::http_request("POST", "/v1/chat/completions", body);
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (received.find("data: ") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  return fd;
}

std::string read_to_end(int fd) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[65536];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

TEST(ServeCli, SigtermFinishesTheRequestInFlightThenExitsZero) {
  // One sequence at a time and four samples of 4000 tokens (ignore_eos): about a second of work
  // after the first event.
  test::ServeProcess server(serve({"--max-batch", "1", "--served-model-name", "tiny"}));
  const std::string body =
      R"({"model": "tiny", "messages": [{"role": "user", "content": "Talk for a while."}], "n": 4,
          "max_tokens": 4000, "ignore_eos": true, "temperature": 1, "seed": 3, "stream": true})";
  std::string received;
  const int fd = open_stream(server.port(), body, received);
  ASSERT_GE(fd, 0);
  ASSERT_NE(received.find("\"role\":\"assistant\""), std::string::npos) << received;
  ASSERT_EQ(received.find("finish_reason\":\""), std::string::npos) << "finished before the signal";
  ::kill(server.pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // New requests are refused while the one in flight finishes (503, or no answer once closed).
  const std::string late = test::raw_exchange(server.port(), test::http_request("GET", "/health"),
                                              std::chrono::milliseconds(5000));
  EXPECT_TRUE(late.empty() || test::http_status(late) == 503) << late;
  received += read_to_end(fd);
  // The stream in flight was completed: four finished choices, then [DONE].
  size_t finished = 0;
  for (size_t at = received.find("finish_reason\":\""); at != std::string::npos;
       at = received.find("finish_reason\":\"", at + 1))
    ++finished;
  EXPECT_EQ(finished, 4u) << received.substr(0, 500);
  EXPECT_NE(received.find("data: [DONE]"), std::string::npos);
  const std::string last_chunk = "\r\n0\r\n\r\n";  // the chunked body's proper end
  EXPECT_EQ(received.substr(received.size() - std::min(received.size(), last_chunk.size())), last_chunk);
  EXPECT_EQ(server.terminate(), 0) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("SIGTERM"), std::string::npos);
}

TEST(ServeCli, SigintExitsZero) {
  test::ServeProcess server(serve({}));
  EXPECT_EQ(test::http_status(test::raw_exchange(server.port(), test::http_request("GET", "/health"))), 200);
  ::kill(server.pid(), SIGINT);
  EXPECT_EQ(server.terminate(), 0) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("SIGINT"), std::string::npos);
}

}  // namespace
}  // namespace regenesis
