#include "server/openai_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <ctime>

#include "server/api_error.h"
#include "server/api_response.h"
#include "server/completion_job.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis {
namespace {

// cpp-httplib listens with a backlog of 5 (a compile-time setting of Debian's library), so a
// burst of clients connecting at once overflows it and waits a second for the SYN to be resent.
// Calling listen() again on the bound socket raises the backlog.
class WideBacklogServer : public httplib::Server {
 public:
  bool widen_backlog() { return ::listen(svr_sock_, SOMAXCONN) == 0; }
};

void send_error(httplib::Response& res, const ApiError& error) {
  res.status = error.status();
  res.set_content(api_error_body(error), "application/json");
}

// The library answers some requests itself (no route, body over the limit, unparsable HTTP)
// with an empty body; give those OpenAI's error shape too.
ApiError library_error(const httplib::Request& req, int status) {
  switch (status) {
    case 404:
      return ApiError(404, "no route " + req.method + " " + req.path, "", "not_found");
    case 413:
      // The library caps form-encoded bodies at 8 KiB whatever the limit (curl -d sends that type).
      if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0)
        return ApiError(413, "form-encoded request body over 8192 bytes; send Content-Type: application/json",
                        "", "request_too_large");
      return ApiError(413, "request body over the limit (--max-body-bytes)", "", "request_too_large");
    case 400:
      return ApiError(400, "malformed HTTP request");
    default:
      return ApiError(status, "HTTP error " + std::to_string(status), "", "",
                      status >= 500 ? "server_error" : "invalid_request_error");
  }
}

}  // namespace

struct OpenAIServer::InFlight {
  explicit InFlight(OpenAIServer& server) : server(server) {}
  ~InFlight() { server.leave(); }
  OpenAIServer& server;
};

bool OpenAIServer::enter() {
  std::lock_guard<std::mutex> lock(flight_mutex_);
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void OpenAIServer::leave() {
  std::lock_guard<std::mutex> lock(flight_mutex_);
  if (--in_flight_ == 0) flight_done_.notify_all();
}

void OpenAIServer::drain_and_stop() {
  {
    std::unique_lock<std::mutex> lock(flight_mutex_);
    draining_ = true;
    flight_done_.wait(lock, [&] { return in_flight_ == 0; });
  }
  stop();
}

OpenAIServer::OpenAIServer(ServedModel model, CompletionSource& source, ServerOptions options)
    : model_(std::move(model)),
      source_(source),
      options_(std::move(options)),
      http_(std::make_unique<WideBacklogServer>()),
      created_(static_cast<long long>(std::time(nullptr))) {
  if (options_.http_threads < 1) fail("http threads must be at least 1, got ", options_.http_threads);
  const size_t threads = static_cast<size_t>(options_.http_threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.limits.max_body_bytes);
  http_->set_keep_alive_timeout(options_.keep_alive_seconds);
  http_->set_keep_alive_max_count(10000);
  http_->set_tcp_nodelay(true);  // streamed chunks are small and latency matters
  // The library's default also sets SO_REUSEPORT, which lets a second server bind a port in use
  // and silently share its traffic; a port in use must be an error instead.
  http_->set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  install_routes();
}

OpenAIServer::~OpenAIServer() { stop(); }

void OpenAIServer::install_routes() {
  auto completion = [this](ApiRoute route) {
    return [this, route](const httplib::Request& req, httplib::Response& res) {
      if (!enter()) {
        send_error(res, ApiError(503, "the server is shutting down", "", "", "server_error"));
        res.set_header("Connection", "close");
        return;
      }
      // Held until the response is written: by this scope, or by a stream's provider, which
      // the library keeps until the last chunk is sent.
      auto in_flight = std::make_shared<InFlight>(*this);
      ++requests_served_;
      try {
        PreparedCompletion prepared =
            prepare_completion(parse_api_request(route, req.body, options_.limits), model_, options_.limits);
        const bool stream = prepared.stream;
        auto job = CompletionJob::start(source_, std::move(prepared));
        if (!stream) {
          res.set_content(job->wait_for_response(), "application/json");
          return;
        }
        res.set_header("Cache-Control", "no-cache");
        res.set_chunked_content_provider("text/event-stream", [job, in_flight](size_t, httplib::DataSink& sink) {
          std::optional<std::string> events = job->next_events();
          if (!events) {
            sink.done();
            return true;
          }
          return sink.write(events->data(), events->size());  // false: the client left
        });
      } catch (const ApiError& e) {
        send_error(res, e);
      } catch (const std::exception& e) {
        send_error(res, ApiError(500, std::string("internal error: ") + e.what(), "", "", "server_error"));
      }
    };
  };
  http_->Post("/v1/completions", completion(ApiRoute::Completions));
  http_->Post("/v1/chat/completions", completion(ApiRoute::Chat));
  http_->Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(models_json(model_.name, created_, model_.max_context), "application/json");
  });
  http_->Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(flight_mutex_);
    res.status = draining_ ? 503 : 200;
    res.set_content(draining_ ? "{\"status\":\"draining\"}" : "{\"status\":\"ok\"}", "application/json");
  });
  http_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    send_error(res, library_error(req, res.status));
    if (res.status == 400) res.set_header("Connection", "close");  // unparsable: do not wait for more
  });
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, ApiError(500, "internal error", "", "", "server_error"));
  });
}

int OpenAIServer::bind() {
  if (options_.port < 0 || options_.port > 65535) fail("port must be in 0..65535, got ", options_.port);
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ <= 0) fail("cannot listen on ", options_.host, " (any port)");
  } else {
    if (!http_->bind_to_port(options_.host, options_.port))
      fail("cannot listen on ", options_.host, ":", options_.port, " (in use, or not an address of this machine)");
    port_ = options_.port;
  }
  if (!static_cast<WideBacklogServer&>(*http_).widen_backlog())
    log_warn("serve: cannot raise the listen backlog; bursts of connections may be delayed");
  return port_;
}

void OpenAIServer::serve() {
  if (port_ == 0) fail("OpenAIServer::serve() before bind()");
  http_->listen_after_bind();
}

void OpenAIServer::stop() {
  if (http_) http_->stop();
}

}  // namespace regenesis
