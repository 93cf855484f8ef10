#include "pipeline/run_config_backend.h"

#include <set>

namespace regenesis {
namespace {

void read_endpoint(ConfigReader& r, const Json& item, const std::string& key,
                   RunConfig::Backend::Endpoint& out) {
  if (!item.is_object())
    r.error(key, std::string("must be a table with url and model, got ") + item.type_name());
  r.check_keys(item, key, {"url", "model", "max_concurrency"});
  r.get(item, key, "url", out.url);
  r.get(item, key, "model", out.model);
  r.get_int(item, key, "max_concurrency", out.max_concurrency, 0);
  if (out.url.empty()) r.error(key + ".url", "is required (the server's base URL, e.g. http://127.0.0.1:8000/v1)");
  if (!out.url.starts_with("http://") && !out.url.starts_with("https://"))
    r.error(key + ".url", "\"" + out.url + "\" must start with http:// or https://");
  if (out.model.empty()) r.error(key + ".model", "is required (the model name the server serves)");
}

}  // namespace

void read_backend_config(ConfigReader& r, const Json& root, RunConfig::Backend& out) {
  const Json& b = r.section(root, "backend",
                            {"type", "endpoints", "api_mode", "api_key_env",
                             "max_concurrency_per_endpoint", "one_request_per_sample", "timeout_s",
                             "max_retries", "retry_backoff_s", "cool_down_s"});
  r.get(b, "backend", "type", out.type);
  r.one_of("backend", "type", out.type, {"embedded", "openai"});
  r.get(b, "backend", "api_mode", out.api_mode);
  r.one_of("backend", "api_mode", out.api_mode, {"auto", "completions", "chat"});
  r.get(b, "backend", "api_key_env", out.api_key_env);
  r.get_int(b, "backend", "max_concurrency_per_endpoint", out.max_concurrency_per_endpoint, 1);
  r.get(b, "backend", "one_request_per_sample", out.one_request_per_sample);
  r.get(b, "backend", "timeout_s", out.timeout_s);
  r.get_int(b, "backend", "max_retries", out.max_retries, 0);
  r.get(b, "backend", "retry_backoff_s", out.retry_backoff_s);
  r.get(b, "backend", "cool_down_s", out.cool_down_s);
  if (out.timeout_s <= 0) r.error("backend.timeout_s", "must be positive");
  if (out.retry_backoff_s < 0) r.error("backend.retry_backoff_s", "must not be negative");
  if (out.cool_down_s < 0) r.error("backend.cool_down_s", "must not be negative");

  if (auto it = b.find("endpoints"); it != b.end()) {
    if (!it->is_array()) r.error("backend.endpoints", std::string("must be a list of tables ([[backend.endpoints]]), got ") + it->type_name());
    out.endpoints.clear();
    for (size_t i = 0; i < it->size(); ++i) {
      out.endpoints.emplace_back();
      read_endpoint(r, (*it)[i], "backend.endpoints[" + std::to_string(i) + "]", out.endpoints.back());
    }
  }
  if (out.type == "openai" && out.endpoints.empty())
    r.error("backend.endpoints", "type = \"openai\" needs at least one [[backend.endpoints]] with url and model");
  if (out.type == "embedded" && !out.endpoints.empty())
    r.error("backend.endpoints", "only used with type = \"openai\" (the embedded backend runs model.path)");
}

OrderedJson backend_config_json(const RunConfig::Backend& b) {
  OrderedJson endpoints = OrderedJson::array();
  for (const auto& e : b.endpoints)
    endpoints.push_back({{"url", e.url}, {"model", e.model}, {"max_concurrency", e.max_concurrency}});
  return {{"type", b.type},
          {"endpoints", endpoints},
          {"api_mode", b.api_mode},
          {"api_key_env", b.api_key_env},
          {"max_concurrency_per_endpoint", b.max_concurrency_per_endpoint},
          {"one_request_per_sample", b.one_request_per_sample},
          {"timeout_s", b.timeout_s},
          {"max_retries", b.max_retries},
          {"retry_backoff_s", b.retry_backoff_s},
          {"cool_down_s", b.cool_down_s}};
}

OrderedJson backend_identity_json(const RunConfig::Backend& b) {
  OrderedJson j = {{"type", b.type}};
  if (b.type == "openai") {
    std::set<std::string> models;
    for (const auto& e : b.endpoints) models.insert(e.model);
    j["models"] = models;
  }
  return j;
}

}  // namespace regenesis
