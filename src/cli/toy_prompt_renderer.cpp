#include "cli/toy_prompt_renderer.h"

#include <map>

namespace regenesis::cli {

std::vector<std::string> PromptSetRenderer::guidelines(bool hint) const {
  return hint ? set_.hint_guidelines : set_.seed_guidelines;
}

std::string PromptSetRenderer::user(ToyFormat format, const ToyStageInputs& in) const {
  const bool hint = toy_format_is_hint(format);
  std::map<std::string, std::string> values = {{"question", in.question}};
  if (hint) values["answer"] = in.answer;
  const std::string* templ = nullptr;
  switch (format) {
    case ToyFormat::Direct: return fill_template(set_.train_prompt, values);
    case ToyFormat::Select:
    case ToyFormat::HintSelect: {
      const auto& list = hint ? set_.hint_guidelines : set_.seed_guidelines;
      values["guidelines_numbered"] = numbered_guidelines(list);
      values["guidelines"] = plain_guidelines(list);
      return fill_template(hint ? set_.hint_select : set_.select, values);
    }
    case ToyFormat::Adapt:
    case ToyFormat::HintAdapt: templ = hint ? &set_.hint_adapt : &set_.adapt; break;
    case ToyFormat::Implement:
    case ToyFormat::HintImplement: templ = hint ? &set_.hint_implement : &set_.implement; break;
    case ToyFormat::Execute:
    case ToyFormat::HintExecute: templ = hint ? &set_.hint_execute : &set_.execute; break;
  }
  values["selected"] = in.selected;
  if (format != ToyFormat::Adapt && format != ToyFormat::HintAdapt) values["adapted"] = in.adapted;
  if (format == ToyFormat::Execute || format == ToyFormat::HintExecute) {
    values["structure"] = in.structure;
    return replace_box_placeholder(fill_template(*templ, values));
  }
  return fill_template(*templ, values);
}

PromptSet load_toy_prompt_set(const std::string& dir) {
  return dir.empty() ? PromptSet::builtin("toy") : PromptSet::load_directory(dir);
}

}  // namespace regenesis::cli
