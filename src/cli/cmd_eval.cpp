// `regenesis eval`: zero-shot chain-of-thought evaluation of a model over benchmarks (greedy,
// the model's chat template, the prompts of prompts/eval), resumable, with results tables and
// charts in --out, and a paired comparison against another evaluation with --baseline.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/openai_client.h"
#include "engine/torch_engine.h"
#include "eval/comparison.h"
#include "eval/eval_run.h"
#include "eval/evaluator.h"
#include "util/error.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string model;
  std::string adapter;
  std::vector<std::string> benches;
  std::string out;
  size_t limit = 0;
  EvalSettings settings;
  EngineOptions engine;
  std::string data_dir;
  std::string prompts_dir;
  std::vector<std::string> in_domain, out_of_domain;
  std::string baseline;
  std::vector<std::string> endpoints;
  std::string served_model;
  std::string api_key_env;
  int concurrency = 16;
  bool no_stop = false;
  bool json = false;
};

std::vector<std::string> comma_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values)
    for (const std::string& part : split(value, ','))
      if (!trim(part).empty()) out.push_back(trim(part));
  return out;
}

// The adapter path needs TorchEngine support (LoRA applied at load time), which it does not have
// yet: say so instead of silently evaluating the base model.
void reject_adapter(const std::string& adapter) {
  if (!std::filesystem::exists(std::filesystem::path(adapter) / "adapter_config.json"))
    fail("--adapter ", adapter, ": no adapter_config.json there (expected a PEFT adapter directory)");
  fail("--adapter is not supported by the embedded engine yet: evaluate the merged model instead "
       "(the trainer's merged Hugging Face output directory) with --model, or serve the adapter with an "
       "OpenAI-compatible server and use --endpoint");
}

// Size and modification time of the files that hold the weights and the config, so that
// retraining into the same directory is not mistaken for the model the stored items came from.
OrderedJson model_files(const std::filesystem::path& dir) {
  OrderedJson files = OrderedJson::object();
  if (!std::filesystem::is_directory(dir)) return files;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const bool weights = entry.path().extension() == ".safetensors" || name == "model.safetensors.index.json";
    if (entry.is_regular_file() && (weights || name == "config.json")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths)
    files[path.filename().string()] =
        std::to_string(std::filesystem::file_size(path)) + " bytes, modified " +
        std::to_string(std::filesystem::last_write_time(path).time_since_epoch().count());
  return files;
}

std::unique_ptr<Generator> make_generator(const Options& options, OrderedJson& identity) {
  if (!options.endpoints.empty()) {
    if (options.served_model.empty()) fail("--endpoint needs --served-model NAME (the model name the server expects)");
    if (!options.adapter.empty()) fail("--adapter applies to the embedded engine; with --endpoint, serve the adapter");
    OpenAIClientOptions client;
    for (const std::string& url : options.endpoints) client.endpoints.push_back({url, options.served_model, 0});
    client.api_mode = OpenAIApiMode::Chat;  // the server applies the model's chat template
    client.api_key_env = options.api_key_env;
    client.max_concurrency_per_endpoint = options.concurrency;
    identity["backend"] = "openai";
    identity["served_model"] = options.served_model;
    return std::make_unique<OpenAIClient>(client);
  }
  if (options.model.empty()) fail("give --model DIR (embedded engine) or --endpoint URL with --served-model");
  if (!options.adapter.empty()) reject_adapter(options.adapter);
  identity["backend"] = "embedded";
  identity["model"] = std::filesystem::absolute(options.model).lexically_normal().string();
  identity["chat_template"] = options.engine.chat_template.empty() ? "(model's own)" : options.engine.chat_template;
  identity["dtype"] = options.engine.dtype;
  identity["model_files"] = model_files(options.model);
  return std::make_unique<TorchEngine>(options.model, options.engine);
}

void print_summary(const EvalSummary& summary) {
  for (const BenchmarkScore& s : summary.benchmarks)
    std::printf("%-40s %-13s %5lld/%-5lld %6s%%  [%s, %s]\n", s.name.c_str(), s.role.c_str(),
                static_cast<long long>(s.correct), static_cast<long long>(s.n), format_percent(s.accuracy()).c_str(),
                format_percent(s.ci.low).c_str(), format_percent(s.ci.high).c_str());
  for (const RoleAverage& a : summary.averages)
    std::printf("average %-32s %6s%% over %zu tasks\n", a.role.c_str(), format_percent(a.accuracy).c_str(),
                a.tasks.size());
}

void run(Options options) {
  const std::filesystem::path out = options.out;
  std::optional<std::filesystem::path> data_dir =
      options.data_dir.empty() ? default_data_dir() : std::optional<std::filesystem::path>(options.data_dir);
  const RoleOverrides roles{comma_list(options.in_domain), comma_list(options.out_of_domain)};
  const auto benches = load_eval_benchmarks(
      options.benches, data_dir, options.limit ? std::optional<size_t>(options.limit) : std::nullopt, roles);
  if (!options.baseline.empty()) load_eval_run(options.baseline);  // fail before any generation
  const EvalPrompts prompts =
      options.prompts_dir.empty() ? EvalPrompts::builtin() : EvalPrompts::load_directory(options.prompts_dir);
  if (options.no_stop) options.settings.stop.clear();

  OrderedJson identity;
  std::unique_ptr<Generator> generator = make_generator(options, identity);
  const EvalOutcome outcome = run_evaluation(*generator, benches, prompts, options.settings, identity, out);

  if (!options.baseline.empty()) {
    const EvalRun before = load_eval_run(options.baseline);
    const EvalRun after = load_eval_run(out, options.settings.label);
    const Comparison comparison = compare_evals(before, after);
    write_file_atomic(out / "comparison.json", comparison_to_json(comparison).dump(2) + "\n");
    write_file_atomic(out / "comparison.md", comparison_markdown(comparison));
    write_chart_files(comparison_chart(comparison), out, "comparison");
  }
  if (options.json) {
    std::printf("%s\n", read_file(out / kResultsJson).c_str());
  } else {
    print_summary(outcome.summary);
    std::printf("results: %s\n", (out / kResultsMarkdown).string().c_str());
    if (!options.baseline.empty()) std::printf("comparison: %s\n", (out / "comparison.md").string().c_str());
  }
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  EvalSettings& s = options->settings;
  sub.add_option("--model", options->model, "Model directory (Hugging Face layout) for the embedded engine");
  sub.add_option("--adapter", options->adapter, "PEFT adapter directory to apply to --model");
  sub.add_option("--bench", options->benches,
                 "Benchmark: NAME, NAME:SPLIT, NAME=FILE (common JSONL schema) or a group (bbh, in_domain, "
                 "out_of_domain); repeatable")
      ->required()
      ->expected(1, -1);
  sub.add_option("--out", options->out, "Output directory (predictions.jsonl, results.json/.md, charts)")->required();
  sub.add_option("--limit", options->limit, "Evaluate the first N questions of each benchmark (0 = all)");
  sub.add_option("--seed", s.seed, "Per-request seed (greedy decoding does not depend on it)")->capture_default_str();
  sub.add_option("--max-tokens", s.max_tokens, "New tokens per completion (Eurus: 1024)")->capture_default_str();
  sub.add_option("--stop", s.stop, "Stop strings (default: Eurus's \"\\n###\\nProblem: \")")->expected(1, -1);
  sub.add_flag("--no-stop", options->no_stop, "No stop strings");
  sub.add_option("--batch", options->engine.max_batch, "Sequences decoded together")->capture_default_str();
  sub.add_option("--chat-template", options->engine.chat_template,
                 "A chat template name instead of the one the model declares");
  sub.add_option("--dtype", options->engine.dtype, "Weights and KV cache: f32 or bf16")
      ->check(CLI::IsMember({"f32", "bf16"}))
      ->capture_default_str();
  sub.add_option("--threads", options->engine.threads, "CPU threads (0 = one per core)")->capture_default_str();
  sub.add_option("--max-context", options->engine.max_context,
                 "Positions per sequence (0 = the model's max_position_embeddings)");
  sub.add_option("--in-domain", options->in_domain,
                 "Comma-separated benchmarks to tag in-domain; every other one is then out-of-domain")
      ->expected(1, -1);
  sub.add_option("--out-of-domain", options->out_of_domain, "Comma-separated benchmarks to tag out-of-domain")
      ->expected(1, -1);
  sub.add_option("--data-dir", options->data_dir,
                 "Directory of the benchmark files (default: $REGENESIS_DATA_DIR, ./data or ../shared/data)");
  sub.add_option("--prompts", options->prompts_dir, "Directory of evaluation prompts (see prompts/eval/README.md)");
  sub.add_option("--label", s.label, "Name of this evaluation in charts and comparisons (default: --out's name)");
  sub.add_option("--baseline", options->baseline,
                 "Another evaluation's --out: write comparison.md/.json/.png/.svg with paired tests");
  sub.add_flag("--restart", s.restart, "Discard what --out holds instead of resuming");
  sub.add_option("--endpoint", options->endpoints,
                 "OpenAI-compatible base URL (e.g. http://host:8000/v1) instead of the embedded engine; repeatable")
      ->expected(1, -1);
  sub.add_option("--served-model", options->served_model, "Model name the --endpoint servers expect");
  sub.add_option("--api-key-env", options->api_key_env, "Environment variable holding the endpoints' API key");
  sub.add_option("--concurrency", options->concurrency, "Requests in flight per endpoint")->capture_default_str();
  sub.add_flag("--json", options->json, "Print results.json instead of the summary table");
  sub.footer(
      "Every completion is graded and appended to OUT/predictions.jsonl as it arrives; run the same "
      "command again after an interruption and finished items are skipped. Roles default to the paper's "
      "(in-domain: gsm8k numglue arc_challenge reclor strategyqa; out-of-domain: svamp asdiv aqua "
      "openbookqa anli bbh).");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("eval", "Evaluate a model on benchmarks (zero-shot CoT, greedy), resumable", setup);

}  // namespace
}  // namespace regenesis::cli
