#pragma once
// Chat templates: turns a conversation into the exact prompt text a model was trained on.
//
// Each supported family is rendered in C++ exactly as its Jinja template renders under Hugging
// Face transformers (jinja2 with trim_blocks/lstrip_blocks), byte for byte, including the
// template's own errors (wrong role order, unsupported roles), which become regenesis::Error.
// Where transformers' Python jinja2 and the JS port @huggingface/jinja differ (e.g. an empty
// conversation in a template that reads messages[0]), we follow Python.
//
// The rendered text includes the BOS token wherever the family's template writes bos_token (and
// for "paper-mistral", the BOS vLLM adds). Tokenize it with add_special_tokens=false, or the
// model sees BOS twice.
//
// Families (ChatTemplate::names()):
//   llama3            Meta-Llama-3-8B-Instruct as first released: the assistant header is always
//                     appended, whatever add_generation_prompt says.
//   llama3-updated    the later Llama 3 template that appends it only for add_generation_prompt.
//   llama3.1          Llama 3.1/3.2/3.3: "Cutting Knowledge Date" system block, "Today Date:
//                     26 Jul 2024" (the template's default date; 3.2 under transformers would
//                     insert today's date instead).
//   mistral-v1, mistral-v2, mistral-v3, mistral-v3-tekken, mistral-v7
//                     mistral-common's golden templates (v1_spm, v2_spm, v3_spm, v3, v7_spm).
//                     mistral-v3 is Mistral-7B-Instruct-v0.3 as mistral-common tokenizes it.
//   mistral-hf-v0.3   the chat template of the Mistral-7B-Instruct-v0.3 repository on the HF hub.
//   qwen2.5, qwen3, smollm2, chatml    ChatML families (qwen3 with its <think> history rules).
//   gemma, gemma2     Gemma 3 and Gemma 2.
//   paper-llama-3, paper-mistral
//                     the paper's FastChat templates (system message "You are a helpful,
//                     respectful and honest assistant." unless the conversation starts with its
//                     own system message). Chosen by name only, never detected.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "text/chat_message.h"

namespace regenesis {

namespace chat_detail {
struct Family;
}

class ChatTemplate {
 public:
  // Detects the family from dir/chat_template.jinja or else dir/tokenizer_config.json
  // "chat_template" (a string, or a list of {name, template} where "default" is used); the .jinja
  // file wins when both exist, as in transformers. bos/eos come from tokenizer_config.json.
  // A non-empty override_name picks a template by name instead. An unknown or missing template
  // is an Error that names the file, says to choose one with `--chat-template NAME` and lists
  // the names.
  static ChatTemplate for_model(const std::filesystem::path& dir,
                                const std::string& override_name = "");
  // bos/eos tokens as the template would see them (defaults per family where empty).
  static ChatTemplate named(const std::string& name, const std::string& bos_token = "",
                            const std::string& eos_token = "");
  static std::vector<std::string> names();

  // The family whose Jinja source this is, or nullopt. Rules, most specific first (markers are
  // matched on a normalised source: whitespace outside string literals, whitespace-control
  // dashes and comments removed, literals re-quoted, message.role == message['role']):
  //   chatml           the source equals kChatMLJinja (normalised)
  //   qwen3            <|im_start|> + reasoning_content + '</think>' + last_query_index
  //   qwen2.5          <|im_start|> + "You are Qwen, created by Alibaba Cloud. You are a helpful
  //                    assistant."
  //   smollm2          <|im_start|> + "You are a helpful AI assistant named SmolLM, ..."
  //   llama3.1         <|start_header_id|> + "Cutting Knowledge Date: December 2023" +
  //                    'Today Date: '+date_string
  //   llama3(-updated) the Llama 3 turn expression ('<|start_header_id|>'+message['role']+...
  //                    +message['content']|trim+'<|eot_id|>') + bos_token; "-updated" when the
  //                    header is guarded by {% if add_generation_prompt %}
  //   gemma / gemma2   <start_of_turn> + first_user_prefix / + 'System role not supported'
  //   mistral-v7, -v3-tekken, -v3, -v2, -v1
  //                    mistral-common's message aggregation (ns_agg) + empty default system
  //                    message + each version's [INST]/[TOOL_RESULTS]/[SYSTEM_PROMPT] spelling
  //   mistral-hf-v0.3  the alternation error text + '[INST] '+message['content']+'[/INST]' +
  //                    ' '+message['content']|trim+eos_token
  static std::optional<std::string> detect_family(const std::string& jinja_source);

  std::string render(const std::vector<ChatMessage>& messages,
                     bool add_generation_prompt = true) const;
  const std::string& name() const { return name_; }
  const std::string& bos_token() const { return bos_token_; }
  const std::string& eos_token() const { return eos_token_; }

 private:
  ChatTemplate(const chat_detail::Family& family, std::string bos_token, std::string eos_token);

  const chat_detail::Family* family_;
  std::string name_;
  std::string bos_token_;
  std::string eos_token_;
};

// The plain ChatML template `model init` writes into tokenizer_config.json; detected as "chatml".
inline constexpr const char* kChatMLJinja =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] "
    "+ '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' "
    "}}{% endif %}";

}  // namespace regenesis
