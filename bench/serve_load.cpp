// Load on `regenesis serve` over loopback HTTP (bench/README.md, "Serving"): C concurrent
// clients each send R requests (a fixed mix of completions and chat, whole and streamed, n of 1
// and 2), every response is checked against OpenAI's schema, and requests/s, completion tokens/s
// and latency percentiles are printed. Bounded: C x R requests, each with a timeout; with --model
// the server is started here (port 0) and stopped with SIGTERM at the end (its exit code is
// reported). Traffic goes to 127.0.0.1 only.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Settings {
  int port = 0;
  std::string model;  // spawn a server over this model dir
  std::string binary = REGENESIS_BINARY;
  int max_batch = 16;
  int threads = 0;
  std::string dtype = "f32";
  int clients = 64;
  int requests = 8;
  int max_tokens = 32;
};

// `regenesis serve` in a child process; the port it prints.
struct Server {
  pid_t pid = -1;
  int port = 0;

  void start(const Settings& s) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args = {s.binary, "serve", "--model", s.model, "--port", "0",
                                     "--served-model-name", "bench", "--max-batch", std::to_string(s.max_batch),
                                     "--threads", std::to_string(s.threads), "--dtype", s.dtype,
                                     "--http-threads", std::to_string(std::max(64, s.clients + 8))};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string text;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') text += c;
    close(out[0]);
    const size_t colon = text.rfind(':');
    if (text.find("listening on") == std::string::npos || colon == std::string::npos)
      throw std::runtime_error("the server did not start: '" + text + "'");
    port = std::stoi(text.substr(colon + 1));
  }

  // SIGTERM, bounded wait; the exit code (-1: killed or did not exit in time).
  int stop() {
    kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 600; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
};

struct Request {
  bool chat = false, stream = false;
  int n = 1;
  json body;
};

// The r-th request of client c: a fixed mix, so runs are comparable.
Request make_request(int c, int r, const Settings& s) {
  Request q;
  q.chat = r % 2 == 0;
  q.stream = r % 4 >= 2;
  q.n = r % 3 == 2 ? 2 : 1;
  const std::string text = "Client " + std::to_string(c) + " request " + std::to_string(r) +
                           ": explain step by step why the sum of two even numbers is even.";
  q.body = {{"model", "bench"}, {"max_tokens", s.max_tokens}, {"temperature", r % 5 == 0 ? 0.0 : 0.8},
            {"top_p", 0.95}, {"n", q.n}, {"seed", c * 1000 + r}, {"stream", q.stream}};
  if (q.stream) q.body["stream_options"] = {{"include_usage", true}};
  if (q.chat)
    q.body["messages"] = {{{"role", "user"}, {"content", text}}};
  else
    q.body["prompt"] = text;
  return q;
}

bool valid_finish(const json& f) { return f.is_string() && (f == "stop" || f == "length"); }

// Completion tokens of a valid response; nullopt (with the reason) for an invalid one.
std::optional<long long> check_whole(const Request& q, const std::string& body, std::string& why) {
  json r = json::parse(body, nullptr, false);
  if (r.is_discarded() || !r.is_object()) return why = "not JSON", std::nullopt;
  if (r.value("object", "") != (q.chat ? "chat.completion" : "text_completion")) return why = "object", std::nullopt;
  if (!r.contains("id") || !r.contains("created") || r.value("model", "") != "bench") return why = "head", std::nullopt;
  const json& choices = r["choices"];
  if (!choices.is_array() || static_cast<int>(choices.size()) != q.n) return why = "choices", std::nullopt;
  for (int i = 0; i < q.n; ++i) {
    const json& c = choices[i];
    if (c.value("index", -1) != i || !valid_finish(c["finish_reason"])) return why = "choice", std::nullopt;
    const json& text = q.chat ? c["message"]["content"] : c["text"];
    if (!text.is_string()) return why = "text", std::nullopt;
  }
  const json& u = r["usage"];
  if (!u.is_object() || u["prompt_tokens"].get<long long>() <= 0 ||
      u["total_tokens"] != u["prompt_tokens"].get<long long>() + u["completion_tokens"].get<long long>())
    return why = "usage", std::nullopt;
  return u["completion_tokens"].get<long long>();
}

std::optional<long long> check_stream(const Request& q, const std::string& body, std::string& why) {
  std::vector<int> finishes(q.n, 0);
  std::optional<long long> tokens;
  size_t at = 0;
  bool done = false;
  while (at < body.size()) {
    const size_t end = body.find("\n\n", at);
    if (body.compare(at, 6, "data: ") != 0 || end == std::string::npos || done) return why = "framing", std::nullopt;
    const std::string payload = body.substr(at + 6, end - at - 6);
    at = end + 2;
    if (payload == "[DONE]") {
      done = true;
      continue;
    }
    json chunk = json::parse(payload, nullptr, false);
    if (chunk.is_discarded()) return why = "chunk JSON", std::nullopt;
    if (chunk.value("object", "") != (q.chat ? "chat.completion.chunk" : "text_completion")) return why = "chunk object", std::nullopt;
    if (chunk.contains("usage") && chunk["usage"].is_object()) tokens = chunk["usage"]["completion_tokens"].get<long long>();
    for (const json& c : chunk["choices"]) {
      const int i = c.value("index", -1);
      if (i < 0 || i >= q.n) return why = "chunk index", std::nullopt;
      if (!c["finish_reason"].is_null()) {
        if (!valid_finish(c["finish_reason"])) return why = "finish", std::nullopt;
        ++finishes[i];
      }
    }
  }
  if (!done) return why = "no [DONE]", std::nullopt;
  if (std::count(finishes.begin(), finishes.end(), 1) != q.n) return why = "finish count", std::nullopt;
  if (!tokens) return why = "no usage chunk", std::nullopt;
  return tokens;
}

std::string machine() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, name = "unknown CPU";
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      name = line.substr(line.find(':') + 2);
      break;
    }
  return name + ", " + std::to_string(std::thread::hardware_concurrency()) + " logical cores";
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{"Concurrent load on regenesis serve (loopback), with every response validated"};
  app.add_option("--port", s.port, "A server already listening on 127.0.0.1 (model name 'bench')");
  app.add_option("--model", s.model, "Or: start `regenesis serve` on this model dir");
  app.add_option("--regenesis", s.binary, "The regenesis binary (with --model)")->capture_default_str();
  app.add_option("--max-batch", s.max_batch, "serve --max-batch (with --model)")->capture_default_str();
  app.add_option("--threads", s.threads, "serve --threads (with --model; 0 = every core)")->capture_default_str();
  app.add_option("--dtype", s.dtype, "serve --dtype (with --model)")->capture_default_str();
  app.add_option("--clients", s.clients, "Concurrent clients")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--requests", s.requests, "Requests per client")->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--max-tokens", s.max_tokens, "max_tokens of every request")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if ((s.port > 0) == !s.model.empty()) {
    std::fprintf(stderr, "give exactly one of --port and --model\n");
    return 1;
  }

  Server server;
  if (!s.model.empty()) {
    server.start(s);
    s.port = server.port;
  }

  std::atomic<long long> errors{0}, invalid{0}, tokens{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::string first_problem;
  const auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < s.clients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", s.port);  // kept alive across this client's requests
      client.set_connection_timeout(30, 0);
      client.set_read_timeout(600, 0);
      for (int r = 0; r < s.requests; ++r) {
        const Request q = make_request(c, r, s);
        const auto t0 = Clock::now();
        auto reply = client.Post(q.chat ? "/v1/chat/completions" : "/v1/completions", q.body.dump(), "application/json");
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        std::string why;
        std::optional<long long> got;
        if (!reply || reply->status != 200) {
          ++errors;
          why = reply ? "HTTP " + std::to_string(reply->status) + ": " + reply->body.substr(0, 200)
                      : "transport: " + httplib::to_string(reply.error());
        } else {
          got = q.stream ? check_stream(q, reply->body, why) : check_whole(q, reply->body, why);
          if (got) tokens += *got; else ++invalid;
        }
        std::lock_guard<std::mutex> lock(mutex);
        latencies.push_back(seconds);
        if (!why.empty() && first_problem.empty()) first_problem = why;
      }
    });
  }
  for (auto& t : clients) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const int exit_code = s.model.empty() ? 0 : server.stop();

  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))]; };
  const long long total = static_cast<long long>(s.clients) * s.requests;
  std::printf("machine: %s\n", machine().c_str());
  std::printf("| clients x requests | max_batch | errors | invalid | wall s | req/s | completion tok/s | p50 s | p95 s |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %d x %d | %s | %lld | %lld | %.2f | %.1f | %.0f | %.3f | %.3f |\n", s.clients, s.requests,
              s.model.empty() ? "?" : std::to_string(s.max_batch).c_str(), errors.load(), invalid.load(), wall,
              total / wall, tokens.load() / wall, pct(0.5), pct(0.95));
  if (!first_problem.empty()) std::printf("first problem: %s\n", first_problem.c_str());
  if (!s.model.empty()) std::printf("server exit code after SIGTERM: %d\n", exit_code);
  return errors == 0 && invalid == 0 && exit_code == 0 ? 0 : 1;
}
