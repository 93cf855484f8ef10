#pragma once
// The run configuration (run.toml): every field has a default; unknown keys and wrong types are
// errors that name the key path (and the TOML line). The resolved config (absolute paths, every
// default filled in) is stored in the run database as JSON and read back by filter/rescue/export.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/json.h"

namespace regenesis {

struct SamplingConfig {
  double temperature = 1.2;
  double top_p = 0.9;
  int top_k = 0;
  int max_tokens = 2048;
  std::vector<std::string> stop;
};

// The self-improvement methods `run` knows (docs/METHODS.md): "regenesis" (the default) and the
// baselines "star", "lmsi", "rft" and "task_sd", each a pipeline over the same store and filter.
const std::vector<std::string>& method_names();
// True for the chain-of-thought sampling baselines (STaR, LMSI, RFT).
bool is_cot_method(const std::string& method);

struct RunConfig {
  uint64_t seed = 0;
  std::string method = "regenesis";

  struct Run {
    std::string dir = "run";  // holds run.db and the export
    std::string sync = "full";  // SQLite synchronous: "full" or "normal"
  } run;

  struct Model {
    std::string path;
    std::string dtype = "f32";  // "f32" or "bf16" (embedded engine)
    int threads = 0;    // 0: every core
    int max_batch = 0;  // 0: the engine's default
  } model;

  // Where generation runs: "embedded" (TorchEngine on model.path, in this process) or "openai"
  // (OpenAI-compatible servers: vLLM, SGLang, llama.cpp, `regenesis serve`).
  struct Backend {
    struct Endpoint {
      std::string url;          // base URL up to /v1, e.g. "http://10.0.0.5:8000/v1"
      std::string model;        // the "model" field the server expects
      int max_concurrency = 0;  // requests in flight; 0: max_concurrency_per_endpoint
    };
    std::string type = "embedded";
    std::vector<Endpoint> endpoints;  // [[backend.endpoints]], openai only
    std::string api_mode = "auto";    // "auto", "completions" or "chat"
    std::string api_key_env;          // NAME of the variable holding the key; "": none
    int max_concurrency_per_endpoint = 16;
    bool one_request_per_sample = false;  // for servers without "n" (llama.cpp server)
    double timeout_s = 600;               // one HTTP request
    int max_retries = 5;                  // further attempts per request
    double retry_backoff_s = 0.5;         // first backoff; doubles up to 30 s, with jitter
    double cool_down_s = 30;              // how long a failing endpoint is set aside
  } backend;

  struct Data {
    std::string questions;
    long limit = 0;  // 0: every question
  } data;

  struct Synthesis {
    std::string prompts;        // "": the built-in set; else a directory
    std::string chat_template;  // "": the model's own template; else a ChatTemplate name
    int selections = 20;        // SELECT samples per question
    int singletons = -1;        // raw seed guidelines as candidates; -1: all of them
    int chunk_questions = 8;    // questions per Generator call (commit granularity)
    SamplingConfig sampling{1.2, 0.9, 0, 2048, {"</s>", "[/INST]"}};
    // Baselines only (ReGenesis has selections + singletons candidates):
    int paths = 32;         // sampled paths per question
    int shots = -1;         // CoT methods: worked examples per prompt; -1: all in the file
    std::string fewshot;    // "": the built-in worked examples; else a directory of them
  } synthesis;

  struct Filter {
    bool self_judge = false;
    bool require_boxed = true;
    std::string match = "typed";  // "typed" or "paper"
    int max_path_tokens = 800;    // keep paths with fewer tokens; 0: no length filter
    std::string tokenizer;        // "": model.path
    int max_paths = 5;            // per question and mode; 0: no cap
  } filter;

  struct Rewrite {
    bool enabled = true;
    bool drop_first_paragraph_steps = false;  // the released code's behaviour when true
    std::string step_marker = "list";         // "list" or "substring" (released code)
    std::string prefix = "Let's think step by step.\n\n";
  } rewrite;

  struct Rescue {
    bool enabled = true;
    int selections = 20;
    bool drop_hint_echo = true;  // drop rescue paths that repeat the hint prompt's wording
    SamplingConfig sampling{0.85, 0.9, 0, 2048, {}};
  } rescue;

  struct Export {
    std::string format = "chat";  // "chat" or "alpaca"
    std::string out = "sft.jsonl";  // relative to run.dir
    std::string prompt;             // "": the prompt set's train_prompt.txt
    int max_per_question = 5;       // 0: no cap
    bool dedup = true;
    bool strip_braces = false;  // the released convert_format.py deletes "\boxed{" and every "}"
    bool include_rescue = true;
  } exporting;

  struct Star {
    int rationalize_paths = 1;  // hint samples per question left without a kept path
    int iterations = 1;         // outer loops; > 1 trains a model after each (needs [train])
    bool accumulate = false;    // train on every iteration's data so far, not only the latest
  } star;

  struct Rft {
    std::string dedup = "equations";  // "equations", "text" or "none" (before the cap)
  } rft;

  struct TaskSd {
    int examples = 3;          // example questions of the task shown in the task-level prompts
    int structures = 1;        // reasoning structures per task; path c uses structure c % n
    std::string description;   // "": the built-in task description template
  } task_sd;

  // [train]: the trainer's settings for STaR iterations, checked by the command that trains
  // (keys as `regenesis train` flags, with '_' for '-').
  Json train = Json::object();

  // `base_dir` resolves relative paths (the config file's directory).
  // The defaults of a method: some differ from ReGenesis's (docs/METHODS.md), e.g. the CoT
  // baselines sample at T = 0.7 with no nucleus cut and keep their paths unrewritten.
  static RunConfig defaults_for(const std::string& method);
  // `method_override` (`run --method`) replaces the file's method before the method's defaults
  // are applied.
  static RunConfig from_toml_file(const std::filesystem::path& path,
                                  const std::string& method_override = "");
  static RunConfig from_json(const Json& json, const std::string& source,
                             const std::filesystem::path& base_dir);
  OrderedJson to_json() const;

  // What decides the generated text (model, data, prompts, sampling, seed): a store written
  // under one generation identity refuses another unless forced. `prompt_fingerprint` is
  // PromptSet::fingerprint().
  OrderedJson generation_identity(const std::string& prompt_fingerprint) const;

  std::filesystem::path store_file() const;
  std::filesystem::path export_file() const;
};

// Human-readable list of the fields that differ ("synthesis.temperature: 1.2 -> 0.8").
std::vector<std::string> identity_differences(const Json& stored, const Json& now);

}  // namespace regenesis
