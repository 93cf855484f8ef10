#pragma once
// The HTTP front: OpenAI's /v1/completions, /v1/chat/completions and /v1/models, plus /health,
// over a CompletionSource (cpp-httplib underneath; its types stay in the .cpp).
//
// Every error is a JSON body in OpenAI's shape (server/api_error.h), including the library's own
// (unknown route 404, body over the limit 413). Handlers never let an exception escape.
// Shutdown: stop() closes the listening socket; serve() returns once the requests in flight
// have been answered (the CompletionSource must keep running until then).
#include <atomic>
#include <memory>
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

  long long requests_served() const { return requests_served_.load(); }

 private:
  void install_routes();

  ServedModel model_;
  CompletionSource& source_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  long long created_ = 0;
  std::atomic<long long> requests_served_{0};
};

}  // namespace regenesis
