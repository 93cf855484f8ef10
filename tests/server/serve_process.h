#pragma once
// `regenesis serve` as a child process for tests: started with --port 0, its port read from the
// "listening on HOST:PORT" line it prints, stopped with SIGTERM (exit status checked) or killed.
// Also a raw loopback HTTP exchange over a socket, for tests that must not depend on a client
// library (or that send bytes no client library would). Header-only: used by test_server and
// test_cli. Every wait is bounded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace regenesis::test {

class ServeProcess {
 public:
  // Runs `regenesis serve ARGS --port 0` and waits (bounded) until it listens.
  explicit ServeProcess(const std::vector<std::string>& args,
                        std::chrono::seconds startup = std::chrono::seconds(120)) {
    err_path_ = dir_ / "stderr.txt";
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv_s = {regenesis_binary().string(), "serve"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    argv_s.push_back("--port");
    argv_s.push_back("0");
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string err = err_path_.string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out_pipe[1], STDOUT_FILENO);
      const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    out_fd_ = out_pipe[0];
    read_port(startup);
  }
  ~ServeProcess() {
    if (running()) kill();
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::string stderr_text() const {
    std::ifstream in(err_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  bool running() {
    if (status_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
    return !status_;
  }
  // SIGTERM, then waits up to `limit`; the exit code, or -1 when it had to be killed (or died
  // from a signal).
  int terminate(std::chrono::seconds limit = std::chrono::seconds(30)) {
    if (running()) ::kill(pid_, SIGTERM);
    return wait_exit(limit);
  }
  void kill() {
    if (running()) ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(30));
  }

 private:
  int wait_exit(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = status;
      return -1;
    }
    return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
  }

  void read_port(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string out;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char buffer[256];
        const ssize_t got = ::read(out_fd_, buffer, sizeof buffer);
        if (got <= 0) break;  // the process closed stdout: it failed to start
        out.append(buffer, static_cast<size_t>(got));
        const size_t at = out.find("listening on ");
        const size_t end = at == std::string::npos ? at : out.find('\n', at);
        if (end != std::string::npos) {
          const std::string line = out.substr(at, end - at);
          port_ = std::stoi(line.substr(line.rfind(':') + 1));
          return;
        }
      }
      if (!running()) break;
    }
    kill();
    throw std::runtime_error("regenesis serve did not start; stdout: " + out + "\nstderr: " + stderr_text());
  }

  TempDir dir_;
  std::filesystem::path err_path_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  std::optional<int> status_;
};

// Sends `bytes` to 127.0.0.1:port and reads until the server closes the connection or
// `limit` passes. Empty when the connection was refused.
// With `close_write` the sending side is shut after the bytes, so a server waiting for more of
// a malformed request sees the end at once (it then may not answer at all: cpp-httplib takes a
// half-closed connection for a dead one).
inline std::string raw_exchange(int port, const std::string& bytes,
                                std::chrono::milliseconds limit = std::chrono::milliseconds(30000),
                                bool close_write = false) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (close_write) ::shutdown(fd, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      reply.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return reply;
}

// A whole HTTP/1.1 request with Connection: close.
inline std::string http_request(const std::string& method, const std::string& path, const std::string& body = "",
                                const std::string& content_type = "application/json") {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!body.empty() || method == "POST")
    r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// The status code of a raw HTTP reply (0 when there is none).
inline int http_status(const std::string& reply) {
  if (reply.rfind("HTTP/1.1 ", 0) != 0 || reply.size() < 12) return 0;
  return std::atoi(reply.substr(9, 3).c_str());
}

inline std::string http_body(const std::string& reply) {
  const size_t at = reply.find("\r\n\r\n");
  return at == std::string::npos ? "" : reply.substr(at + 4);
}

}  // namespace regenesis::test
