#pragma once
// Shared by the end-to-end server tests: one tiny random model per test binary, the embedded
// engine over it (the reference the server's answers must equal), the flags that make a
// `regenesis serve` of the same model, and small HTTP helpers (cpp-httplib's client).
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/torch_engine.h"
#include "model/init_model.h"
#include "test_support.h"

namespace regenesis::test {

inline const std::filesystem::path& tiny_model_dir() {
  static TempDir* dir = [] {
    auto* d = new TempDir();
    init_model_dir(d->path() / "tiny", InitOptions{});
    return d;
  }();
  static const std::filesystem::path path = dir->path() / "tiny";
  return path;
}

inline EngineOptions reference_engine_options() {
  EngineOptions options;
  options.dtype = "f32";
  options.threads = 1;
  return options;
}

// The embedded engine the servers are compared with (same model, same dtype).
inline TorchEngine& reference_engine() {
  static TorchEngine* engine = new TorchEngine(tiny_model_dir(), reference_engine_options());
  return *engine;
}

// `serve` flags for the tiny model, served as "tiny", with the reference engine's settings.
inline std::vector<std::string> serve_args(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--model", tiny_model_dir().string(), "--dtype", "f32",
                                   "--threads", "1", "--served-model-name", "tiny"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

inline GenerationResult reference_result(const GenerationRequest& request) {
  GenerationResult out;
  reference_engine().generate({request}, [&](GenerationResult r) { out = std::move(r); });
  return out;
}

struct HttpReply {
  int status = 0;  // 0: no HTTP answer
  std::string body;
  std::string content_type;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

inline HttpReply http_call(int port, const std::string& method, const std::string& path,
                           const std::string& body = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(120, 0);
  client.set_write_timeout(30, 0);
  auto result = method == "GET" ? client.Get(path.c_str())
                                : client.Post(path.c_str(), body, "application/json");
  HttpReply reply;
  if (result) {
    reply.status = result->status;
    reply.body = result->body;
    reply.content_type = result->get_header_value("Content-Type");
  }
  return reply;
}

inline HttpReply post_json(int port, const std::string& path, const nlohmann::json& body) {
  return http_call(port, "POST", path, body.dump());
}

}  // namespace regenesis::test
