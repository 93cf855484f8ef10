#pragma once
// The toy corpus's prompts rendered from a PromptSet exactly as pipeline/stage_plan.cpp renders a
// run's prompts, shared by `toy corpus` and `toy pretrain`.
#include <string>
#include <vector>

#include "data/toy_corpus.h"
#include "pipeline/prompt_set.h"

namespace regenesis::cli {

class PromptSetRenderer : public ToyPromptRenderer {
 public:
  explicit PromptSetRenderer(PromptSet set) : set_(std::move(set)) {}
  std::string system() const override { return set_.system; }
  std::vector<std::string> guidelines(bool hint) const override;
  std::string user(ToyFormat format, const ToyStageInputs& in) const override;

 private:
  PromptSet set_;
};

// `dir` "" is the built-in prompts/toy.
PromptSet load_toy_prompt_set(const std::string& dir);

}  // namespace regenesis::cli
