// `regenesis generate`: samples completions from a model with the embedded engine. Prompts go
// through the model's chat template (as one user message) unless --raw.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/torch_engine.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string model;
  std::string prompt;
  std::string prompts_file;
  SamplingParams params;
  bool raw = false;
  bool json = false;
  EngineOptions engine;
  const CLI::Option* prompt_option = nullptr;  // counts tell "--prompt ''" from no --prompt
  const CLI::Option* file_option = nullptr;
};

// One request per line: {"id": optional string or number, "prompt": TEXT} or
// {"id": ..., "messages": [{role, content}, ...]}. Without an id, the line number is the id.
std::vector<GenerationRequest> read_prompts_file(const std::string& path, const Options& options) {
  std::vector<GenerationRequest> requests;
  for_each_jsonl(path, [&](const Json& line, long number) {
    GenerationRequest request;
    request.params = options.params;
    request.id = std::to_string(number);
    if (line.is_object() && line.contains("id")) {
      const Json& id = line["id"];
      if (id.is_string())
        request.id = id.get<std::string>();
      else if (id.is_number_integer())
        request.id = std::to_string(id.get<long long>());
      else
        fail("field 'id' must be a string or an integer");
    }
    const bool has_prompt = line.is_object() && line.contains("prompt");
    const bool has_messages = line.is_object() && line.contains("messages");
    if (has_prompt == has_messages) fail("expected exactly one of the fields 'prompt' and 'messages'");
    if (has_prompt) {
      const std::string text = require_string(line, "prompt", "line");
      if (options.raw)
        request.prompt = text;
      else
        request.messages = {{"user", text}};
    } else {
      if (options.raw) fail("field 'messages' needs the chat template; drop --raw");
      const Json& list = line["messages"];
      if (!list.is_array() || list.empty()) fail("field 'messages' must be a non-empty array");
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string source = "messages[" + std::to_string(i) + "]";
        request.messages.push_back(
            {require_string(list[i], "role", source), require_string(list[i], "content", source)});
      }
    }
    requests.push_back(std::move(request));
  });
  if (requests.empty()) fail(path, ": no prompts in the file");
  return requests;
}

void print_text_result(const GenerationResult& result) {
  std::printf("=== request %s: %d prompt tokens ===\n", result.request_id.c_str(), result.prompt_tokens);
  const size_t n = result.completions.size();
  for (size_t i = 0; i < n; ++i) {
    const Completion& c = result.completions[i];
    std::printf("--- completion %zu/%zu: %d tokens, finish %s ---\n", i + 1, n, c.completion_tokens,
                finish_reason_name(c.finish));
    std::fwrite(c.text.data(), 1, c.text.size(), stdout);
    std::printf("\n");
  }
  std::fflush(stdout);
}

void print_json_result(const GenerationResult& result) {
  OrderedJson completions = OrderedJson::array();
  for (const Completion& c : result.completions)
    completions.push_back({{"text", c.text},
                           {"completion_tokens", c.completion_tokens},
                           {"finish_reason", finish_reason_name(c.finish)}});
  const OrderedJson out = {{"id", result.request_id},
                           {"prompt_tokens", result.prompt_tokens},
                           {"completions", completions}};
  // Invalid UTF-8 (a completion cut inside a character) is replaced rather than fatal.
  std::printf("%s\n", out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace).c_str());
  std::fflush(stdout);
}

void run(const Options& options) {
  if ((options.prompt_option->count() > 0) == (options.file_option->count() > 0))
    fail("give exactly one of --prompt TEXT or --prompts-file FILE");
  std::vector<GenerationRequest> requests;
  if (options.file_option->count() > 0) {
    requests = read_prompts_file(options.prompts_file, options);
  } else {
    GenerationRequest request;
    request.id = "prompt";
    request.params = options.params;
    if (options.raw)
      request.prompt = options.prompt;
    else
      request.messages = {{"user", options.prompt}};
    requests.push_back(std::move(request));
  }
  TorchEngine engine(options.model, options.engine);
  engine.generate(requests, [&](GenerationResult result) {
    if (options.json)
      print_json_result(result);
    else
      print_text_result(result);
  });
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  SamplingParams& p = options->params;
  sub.add_option("--model", options->model, "Model directory (HF layout)")->required();
  auto* prompt = sub.add_option("--prompt", options->prompt, "The prompt (a user message unless --raw)");
  auto* file = sub.add_option("--prompts-file", options->prompts_file,
                              "JSONL: {\"id\": ..., \"prompt\": TEXT} or {\"id\": ..., "
                              "\"messages\": [{role, content}, ...]} per line");
  prompt->excludes(file);
  options->prompt_option = prompt;
  options->file_option = file;
  sub.add_option("--n", p.n, "Completions per prompt")->capture_default_str();
  sub.add_option("--temperature", p.temperature, "0 = greedy")->capture_default_str();
  sub.add_option("--top-p", p.top_p, "Nucleus cut (1 = none)")->capture_default_str();
  sub.add_option("--top-k", p.top_k, "Keep the K most likely tokens (0 = all)")->capture_default_str();
  sub.add_option("--seed", p.seed, "Sample i of a prompt uses seed + i")->capture_default_str();
  sub.add_option("--max-tokens", p.max_tokens, "New tokens per completion")->capture_default_str();
  sub.add_option("--stop", p.stop, "Stop string(s); the text ends before it")->expected(1, -1);
  sub.add_flag("--raw", options->raw, "Send the prompt as is, without the chat template");
  sub.add_option("--chat-template", options->engine.chat_template,
                 "A template name instead of the one the model declares");
  sub.add_option("--dtype", options->engine.dtype,
                 "Weights and KV cache: f32, bf16, or auto (bf16 where the CPU has native bf16)")
      ->check(CLI::IsMember({"auto", "f32", "bf16"}))
      ->capture_default_str();
  sub.add_option("--threads", options->engine.threads, "CPU threads (0 = one per core)")
      ->capture_default_str();
  sub.add_option("--max-batch", options->engine.max_batch, "Sequences decoded together")
      ->capture_default_str();
  sub.add_option("--max-context", options->engine.max_context,
                 "Positions per sequence (0 = the model's max_position_embeddings)")
      ->capture_default_str();
  sub.add_flag("--json", options->json,
               "One JSON object per prompt: {id, prompt_tokens, completions: [{text, "
               "completion_tokens, finish_reason}]}");
  sub.footer("Raw prompts are tokenized as written: special tokens in the text (e.g. a BOS such "
             "as <s>) count as tokens and nothing is added. Results print as each prompt's "
             "completions finish.");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("generate", "Sample completions from a model with the embedded engine", setup);

}  // namespace
}  // namespace regenesis::cli
