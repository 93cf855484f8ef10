#pragma once
// The HTTP front: OpenAI's /v1/completions, /v1/chat/completions and /v1/models, plus /health,
// over a CompletionSource (cpp-httplib underneath; its types stay in the .cpp).
//
// Every error is a JSON body in OpenAI's shape (server/api_error.h), including the library's own
// (unknown route 404, body over the limit 413). Handlers never let an exception escape.
// Shutdown: drain_and_stop() answers new requests with 503 while the requests in flight (streams
// included) finish, then closes the listening socket; serve() then returns. stop() closes it at
// once (the library then cuts streams short). The CompletionSource must keep running until
// serve() has returned.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "server/api_request.h"
#include "server/completion_source.h"
#include "server/served_model.h"

namespace httplib {
class Server;
}

namespace regenesis {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 0;                    // 0: a free port the OS picks (see bound_port())
  ApiLimits limits;
  int http_threads = 64;           // connections served at once (each waits for its completion)
  int keep_alive_seconds = 2;      // an idle kept-alive connection delays shutdown this long at most
};

class OpenAIServer {
 public:
  OpenAIServer(ServedModel model, CompletionSource& source, ServerOptions options);
  ~OpenAIServer();
  OpenAIServer(const OpenAIServer&) = delete;
  OpenAIServer& operator=(const OpenAIServer&) = delete;

  // Binds host:port; returns the port. Error when the address cannot be bound.
  int bind();
  int bound_port() const { return port_; }
  // Serves until stop(); returns when the requests in flight are answered. Call bind() first.
  void serve();
  // Thread-safe, idempotent; returns at once (serve() returns when the work is done).
  void stop();
  // Thread-safe: refuses new requests (503, /health reports "draining"), waits until every
  // request in flight has been answered in full, then stop().
  void drain_and_stop();

  long long requests_served() const { return requests_served_.load(); }

 private:
  void install_routes();
  bool enter();  // false when draining; else counts the request as in flight
  void leave();
  struct InFlight;  // counts a request until destroyed

  ServedModel model_;
  CompletionSource& source_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  long long created_ = 0;
  std::atomic<long long> requests_served_{0};
  std::mutex flight_mutex_;
  std::condition_variable flight_done_;
  bool draining_ = false;
  int in_flight_ = 0;
};

}  // namespace regenesis
