// The supported chat template families, their default special tokens and renderers.
#include "text/chat_template_family.h"
#include "util/error.h"

namespace regenesis::chat_detail {

const std::vector<Family>& families() {
  // Defaults are the tokenizer's own bos/eos strings; they matter only where the template
  // writes bos_token / eos_token.
  static const std::vector<Family> table = {
      {"llama3", "<|begin_of_text|>", "<|eot_id|>", render_llama3},
      {"llama3-updated", "<|begin_of_text|>", "<|eot_id|>", render_llama3_updated},
      {"llama3.1", "<|begin_of_text|>", "<|eot_id|>", render_llama31},
      {"mistral-v1", "<s>", "</s>", render_mistral_v1},
      {"mistral-v2", "<s>", "</s>", render_mistral_v2},
      {"mistral-v3", "<s>", "</s>", render_mistral_v3},
      {"mistral-v3-tekken", "<s>", "</s>", render_mistral_v3_tekken},
      {"mistral-v7", "<s>", "</s>", render_mistral_v7},
      {"mistral-hf-v0.3", "<s>", "</s>", render_mistral_hf_v03},
      {"qwen2.5", "", "<|im_end|>", render_qwen25},
      {"qwen3", "", "<|im_end|>", render_qwen3},
      {"smollm2", "<|im_start|>", "<|im_end|>", render_smollm2},
      {"chatml", "", "<|im_end|>", render_chatml},
      {"gemma", "<bos>", "<end_of_turn>", render_gemma3},
      {"gemma2", "<bos>", "<end_of_turn>", render_gemma2},
      {"paper-llama-3", "<|begin_of_text|>", "<|eot_id|>", render_paper_llama3},
      {"paper-mistral", "<s>", "</s>", render_paper_mistral},
  };
  return table;
}

const Family* find_family(std::string_view name) {
  for (const Family& family : families())
    if (name == family.name) return &family;
  return nullptr;
}

void template_error(std::string_view family, std::string_view message) {
  fail("chat template '", family, "': ", message);
}

void empty_conversation_error(std::string_view family) {
  template_error(family,
                 "the conversation has no messages, and the template reads messages[0] "
                 "(jinja2: list object has no element 0)");
}

}  // namespace regenesis::chat_detail
