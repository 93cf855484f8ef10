#include "pipeline/backend.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "engine/openai_client.h"
#include "engine/torch_engine.h"
#include "text/tokenizer.h"
#include "util/error.h"

namespace regenesis {

std::unique_ptr<Generator> make_generator(const RunConfig& config) {
  if (config.backend.type == "embedded") {
    if (config.model.path.empty()) fail("model.path is not set (the model directory to load)");
    if (!std::filesystem::is_directory(config.model.path))
      fail("model.path: ", config.model.path, ": model directory not found");
    EngineOptions options;
    options.dtype = config.model.dtype;
    options.threads = config.model.threads;
    if (config.model.max_batch > 0) options.max_batch = config.model.max_batch;
    return std::make_unique<TorchEngine>(config.model.path, options);
  }
  if (config.backend.type == "openai") return std::make_unique<OpenAIClient>(openai_client_options(config.backend));
  fail("backend.type: unknown backend \"", config.backend.type, "\" (supported: \"embedded\", \"openai\")");
}

OpenAIClientOptions openai_client_options(const RunConfig::Backend& backend) {
  auto ms = [](double seconds) { return std::chrono::milliseconds(static_cast<long long>(seconds * 1000)); };
  OpenAIClientOptions options;
  for (const auto& e : backend.endpoints) options.endpoints.push_back({e.url, e.model, e.max_concurrency});
  options.api_mode = parse_openai_api_mode(backend.api_mode, "backend.api_mode");
  options.api_key_env = backend.api_key_env;
  options.max_concurrency_per_endpoint = backend.max_concurrency_per_endpoint;
  options.one_request_per_sample = backend.one_request_per_sample;
  options.request_timeout = ms(backend.timeout_s);
  options.max_retries = backend.max_retries;
  options.backoff_base = ms(backend.retry_backoff_s);
  options.backoff_max = std::max(options.backoff_base, std::chrono::milliseconds(30000));
  options.cool_down = ms(backend.cool_down_s);
  return options;
}

TokenCounter make_token_counter(const RunConfig& config) {
  std::string source = config.filter.tokenizer.empty() ? config.model.path : config.filter.tokenizer;
  if (source.empty())
    fail("filter.max_path_tokens needs a tokenizer: set filter.tokenizer or model.path");
  auto tokenizer = std::make_shared<Tokenizer>(Tokenizer::load(source));
  return [tokenizer](const std::string& text) { return tokenizer->encode(text).size(); };
}

}  // namespace regenesis
