#include "engine/openai_client.h"

#include <algorithm>
#include <cstdlib>

#include "engine/openai_client_batch.h"
#include "util/error.h"

namespace regenesis {

OpenAIApiMode parse_openai_api_mode(const std::string& name, const std::string& field) {
  if (name == "auto") return OpenAIApiMode::Auto;
  if (name == "completions") return OpenAIApiMode::Completions;
  if (name == "chat") return OpenAIApiMode::Chat;
  fail(field, ": unknown API mode '", name, "' (expected auto, completions or chat)");
}

void OpenAIClientOptions::validate() const {
  if (endpoints.empty()) fail("endpoints: at least one endpoint is needed");
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const OpenAIEndpoint& endpoint = endpoints[i];
    std::string where = "endpoints[" + std::to_string(i) + "]";
    const std::string& url = endpoint.base_url;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      fail(where, ".base_url: '", url, "' must start with http:// or https:// (e.g. http://host:8000/v1)");
    }
    if (endpoint.model.empty()) fail(where, ".model: the model name the server serves is required");
    if (endpoint.max_concurrency < 0) fail(where, ".max_concurrency: must be >= 0 (0: the default)");
  }
  if (max_concurrency_per_endpoint < 1) fail("max_concurrency_per_endpoint: must be >= 1");
  if (request_timeout.count() <= 0) fail("request_timeout: must be positive");
  if (connect_timeout.count() <= 0) fail("connect_timeout: must be positive");
  if (max_retries < 0) fail("max_retries: must be >= 0");
  if (backoff_base.count() < 0 || backoff_max < backoff_base) {
    fail("backoff_base/backoff_max: need 0 <= backoff_base <= backoff_max");
  }
  if (failures_to_cool_down < 1) fail("failures_to_cool_down: must be >= 1");
  if (cool_down.count() < 0) fail("cool_down: must be >= 0");
}

namespace {
std::unique_ptr<EndpointPool> make_pool(const OpenAIClientOptions& options) {
  std::vector<EndpointPool::Endpoint> endpoints;
  for (const auto& endpoint : options.endpoints) {
    int limit = endpoint.max_concurrency > 0 ? endpoint.max_concurrency
                                             : options.max_concurrency_per_endpoint;
    endpoints.push_back({endpoint.base_url, limit});
  }
  return std::make_unique<EndpointPool>(
      std::move(endpoints), EndpointPool::Settings{options.failures_to_cool_down, options.cool_down});
}
}  // namespace

OpenAIClient::OpenAIClient(OpenAIClientOptions options)
    : options_(std::move(options)), jitter_rng_(std::random_device{}()) {
  options_.validate();
  for (auto& endpoint : options_.endpoints) {
    while (!endpoint.base_url.empty() && endpoint.base_url.back() == '/') endpoint.base_url.pop_back();
  }
  if (!options_.api_key_env.empty()) {
    const char* key = std::getenv(options_.api_key_env.c_str());
    if (!key || !*key) {
      fail("api_key_env: environment variable '", options_.api_key_env,
           "' is not set (it should hold the API key for the OpenAI-compatible endpoints)");
    }
    api_key_ = key;
  }
  pool_ = make_pool(options_);
}

OpenAIClient::~OpenAIClient() = default;

void OpenAIClient::generate(const std::vector<GenerationRequest>& requests,
                            const std::function<void(GenerationResult)>& on_result) {
  std::lock_guard lock(generate_mutex_);
  OpenAIBatch batch(options_, api_key_, *pool_, jitter_rng_, requests, on_result);
  batch.run();
}

std::string OpenAIClient::describe() const {
  const auto& endpoints = options_.endpoints;
  if (endpoints.size() == 1) return "openai:" + endpoints[0].base_url + " (" + endpoints[0].model + ")";
  bool one_model = std::all_of(endpoints.begin(), endpoints.end(),
                               [&](const OpenAIEndpoint& e) { return e.model == endpoints[0].model; });
  std::string text = "openai:" + std::to_string(endpoints.size()) + " endpoints (";
  for (size_t i = 0; i < endpoints.size(); ++i) {
    text += (i ? ", " : "") + endpoints[i].base_url;
    if (!one_model) text += " " + endpoints[i].model;
  }
  return text + (one_model ? "; model " + endpoints[0].model : "") + ")";
}

UsageReport OpenAIClient::usage() const { return pool_->usage(); }

}  // namespace regenesis
