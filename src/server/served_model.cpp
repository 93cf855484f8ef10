#include "server/served_model.h"

#include "engine/torch_engine.h"

namespace regenesis {

ServedModel serve_torch_engine(const TorchEngine& engine, std::string name) {
  ServedModel model;
  model.name = std::move(name);
  model.max_context = engine.max_context();
  model.count_prompt_tokens = [&engine](const GenerationRequest& request) {
    return engine.prompt_tokens(request).size();
  };
  return model;
}

}  // namespace regenesis
