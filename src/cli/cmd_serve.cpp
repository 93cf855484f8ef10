// `regenesis serve`: an OpenAI-compatible HTTP server (/v1/completions, /v1/chat/completions,
// /v1/models, /health) over the embedded engine. Loopback unless --host says otherwise.
// SIGTERM/SIGINT: stop accepting, answer the requests in flight, exit 0.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cli/command.h"
#include "engine/torch_engine.h"
#include "model/transformer.h"
#include "server/engine_source.h"
#include "server/openai_server.h"
#include "server/served_model.h"
#include "train/model_export.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string model;
  std::string adapter;
  std::string served_model_name;
  ServerOptions server;
  EngineOptions engine;
  int max_tokens_limit = 0;  // 0: the context
};

// The engine loads plain model dirs, so an adapter is merged into a copy of the base model in a
// temporary dir for the server's lifetime (W += scale * B @ A in float32, stored in the base's
// dtype: what `train --merge` writes).
class MergedAdapterDir {
 public:
  MergedAdapterDir(const std::filesystem::path& base, const std::filesystem::path& adapter) {
    if (!std::filesystem::is_directory(adapter)) fail(adapter.string(), ": adapter directory not found");
    if (!std::filesystem::exists(adapter / "adapter_config.json"))
      fail(adapter.string(), ": not a PEFT adapter (no adapter_config.json)");
    dir_ = std::filesystem::temp_directory_path() /
           ("regenesis-serve-" + std::to_string(::getpid()) + "-merged");
    std::filesystem::remove_all(dir_);
    log_info("serve: merging adapter " + adapter.string() + " into " + dir_.string());
    Transformer model = Transformer::load(base, at::kFloat, adapter);
    model.merge_lora();
    write_hf_model(model, base, dir_, base_storage_type(base));
  }
  ~MergedAdapterDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// SIGTERM and SIGINT are blocked in every thread (set before any thread starts) and taken by
// sigtimedwait on the main thread. The handler is installed too: a shell starts background jobs
// with SIGINT ignored (which would discard it even while blocked), and it records a signal
// delivered to a thread that has it unblocked (a library's own thread).
volatile std::sig_atomic_t g_shutdown_signal = 0;
extern "C" void record_shutdown_signal(int signal) { g_shutdown_signal = signal; }

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  struct sigaction action {};
  action.sa_handler = record_shutdown_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  return set;
}

void run(Options options) {
  const sigset_t signals = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::optional<MergedAdapterDir> merged;
  std::filesystem::path model_dir = options.model;
  if (!std::filesystem::is_directory(model_dir)) fail(options.model, ": model directory not found");
  if (!options.adapter.empty()) {
    merged.emplace(model_dir, options.adapter);
    model_dir = merged->dir();
  }
  TorchEngine engine(model_dir, options.engine);
  const std::string name = options.served_model_name.empty() ? options.model : options.served_model_name;
  ServedModel served = serve_torch_engine(engine, name);
  ApiLimits& limits = options.server.limits;
  limits.max_tokens = options.max_tokens_limit > 0 ? options.max_tokens_limit : served.max_context;

  EngineSource source(engine);
  OpenAIServer server(served, source, options.server);
  const int port = server.bind();
  log_info("serve: model '" + name + "' (" + engine.dtype() + ", context " +
           std::to_string(served.max_context) + ", batch " + std::to_string(options.engine.max_batch) + ")");
  std::printf("listening on %s:%d\n", options.server.host.c_str(), port);
  std::fflush(stdout);

  std::atomic<bool> http_ended{false};
  std::thread http([&] {
    server.serve();
    http_ended = true;
  });
  bool serving = true;
  while (serving && !http_ended) {
    const timespec tick{0, 200 * 1000 * 1000};
    int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal != SIGTERM && signal != SIGINT) signal = g_shutdown_signal;
    if (signal == SIGTERM || signal == SIGINT) {
      log_info(std::string("serve: ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
               ", finishing the requests in flight");
      serving = false;
    }
  }
  if (serving) {  // the accept loop ended without a signal
    http.join();
    source.drain();
    fail("the HTTP server on ", options.server.host, ":", port, " stopped unexpectedly");
  }
  server.drain_and_stop();  // new requests get 503 until those in flight are answered
  http.join();
  source.drain();  // nothing is left in the engine
  log_info("serve: stopped after " + std::to_string(server.requests_served()) + " completion requests");
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  options->engine.max_batch = 16;
  ServerOptions& s = options->server;
  ApiLimits& l = s.limits;
  l.max_n = 64;
  sub.add_option("--model", options->model, "Model directory (HF layout)")->required();
  sub.add_option("--adapter", options->adapter,
                 "PEFT LoRA adapter dir (adapter_config.json + adapter_model.safetensors), merged "
                 "into the model at start");
  sub.add_option("--host", s.host, "Address to listen on (loopback by default)")->capture_default_str();
  sub.add_option("--port", s.port, "Port; 0 picks a free one (printed as 'listening on HOST:PORT')")
      ->required()
      ->check(CLI::Range(0, 65535));
  sub.add_option("--served-model-name", options->served_model_name,
                 "The name clients send as \"model\" (default: the --model argument)");
  sub.add_option("--dtype", options->engine.dtype, "Weights and KV cache: auto, f32 or bf16")
      ->check(CLI::IsMember({"auto", "f32", "bf16"}))
      ->capture_default_str();
  sub.add_option("--threads", options->engine.threads, "CPU threads (0 = one per core)")->capture_default_str();
  sub.add_option("--max-batch", options->engine.max_batch, "Sequences decoded together")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.add_option("--max-context", options->engine.max_context,
                 "Positions per sequence (0 = the model's max_position_embeddings)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub.add_option("--kv-cache-tokens", options->engine.kv_cache_tokens,
                 "Positions in the KV pool (0 = max-batch x min(context, 2048))")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub.add_option("--chat-template", options->engine.chat_template,
                 "A template name instead of the one the model declares");
  sub.add_option("--max-body-bytes", l.max_body_bytes, "Larger request bodies get 413")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.add_option("--max-n", l.max_n, "Largest n (completions per prompt)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.add_option("--max-tokens-limit", options->max_tokens_limit,
                 "Largest max_tokens a request may ask for (0 = the context)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub.add_option("--http-threads", s.http_threads, "Connections served at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.footer("Requests without \"seed\" get a random one; with a seed, results equal `generate` "
             "with the same seed. Requests decode together in the engine's running batch. "
             "Streaming (\"stream\": true) sends each choice's text when it is done.");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("serve", "OpenAI-compatible HTTP server over the embedded engine", setup);

}  // namespace
}  // namespace regenesis::cli
