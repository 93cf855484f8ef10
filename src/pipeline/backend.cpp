#include "pipeline/backend.h"

#include <memory>

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
  fail("backend.type: unknown backend \"", config.backend.type, "\" (supported: \"embedded\")");
}

TokenCounter make_token_counter(const RunConfig& config) {
  std::string source = config.filter.tokenizer.empty() ? config.model.path : config.filter.tokenizer;
  if (source.empty())
    fail("filter.max_path_tokens needs a tokenizer: set filter.tokenizer or model.path");
  auto tokenizer = std::make_shared<Tokenizer>(Tokenizer::load(source));
  return [tokenizer](const std::string& text) { return tokenizer->encode(text).size(); };
}

}  // namespace regenesis
