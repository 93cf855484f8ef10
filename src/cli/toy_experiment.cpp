#include "cli/toy_experiment.h"

#include "data/question.h"
#include "data/toy_families.h"
#include "engine/torch_engine.h"
#include "eval/eval_benchmark.h"
#include "eval/eval_prompts.h"
#include "eval/evaluator.h"
#include "pipeline/run_flow.h"
#include "pipeline/run_stats.h"
#include "train/checkpoint.h"
#include "train/train.h"
#include "util/error.h"
#include "util/files.h"
#include "util/log.h"

namespace regenesis::cli {
namespace {

std::vector<std::string> family_names(ToySplit split) {
  std::vector<std::string> names;
  for (const ToyFamily* family : toy_families_of(split)) names.push_back(family->name);
  return names;
}

// What decides the completions besides the settings: the weights file's size and time, so a
// retrained model in the same directory is not taken for the one evaluated before.
OrderedJson model_identity(const std::filesystem::path& model_dir) {
  const std::filesystem::path weights = model_dir / "model.safetensors";
  return {{"backend", "embedded"},
          {"model", std::filesystem::absolute(model_dir).lexically_normal().string()},
          {"weights", std::to_string(std::filesystem::file_size(weights)) + " bytes, modified " +
                          std::to_string(std::filesystem::last_write_time(weights).time_since_epoch().count())}};
}

}  // namespace

void write_toy_question_file(const std::filesystem::path& path, const std::string& family, size_t n,
                             uint64_t seed) {
  if (std::filesystem::exists(path)) {
    // A resumed experiment reuses its files; one asked for another size must not reuse them silently.
    const size_t held = load_questions(path).size();
    if (held != n)
      fail(path.string(), ": holds ", held, " questions, this experiment asks for ", n,
           " (a changed --questions/--eval-in/--eval-out); use another --out or delete the file");
    return;
  }
  std::filesystem::create_directories(path.parent_path());
  const std::vector<const ToyFamily*> families =
      family == "in" || family == "out" ? toy_families_of(parse_toy_split(family))
                                        : std::vector<const ToyFamily*>{&toy_family(family)};
  save_questions(path, generate_toy_questions(families, n, seed));
}

std::vector<std::string> write_toy_eval_sets(const std::filesystem::path& dir, size_t n_in, size_t n_out,
                                             uint64_t seed) {
  std::vector<std::string> specs;
  for (ToySplit split : {ToySplit::In, ToySplit::Out})
    for (const std::string& family : family_names(split)) {
      const std::filesystem::path file = dir / (family + ".jsonl");
      write_toy_question_file(file, family, split == ToySplit::In ? n_in : n_out, seed);
      specs.push_back(family + "=" + file.string());
    }
  return specs;
}

EvalRun evaluate_toy_model(const std::filesystem::path& model_dir, const EvalSetup& setup,
                           const std::filesystem::path& out_dir, const std::string& label) {
  const RoleOverrides roles{family_names(ToySplit::In), family_names(ToySplit::Out)};
  const auto benches = load_eval_benchmarks(setup.benches, std::nullopt, std::nullopt, roles);
  EvalSettings settings;
  settings.max_tokens = setup.max_tokens;
  settings.label = label;
  EngineOptions engine;
  engine.threads = setup.threads;
  engine.max_batch = setup.batch;
  TorchEngine generator(model_dir, engine);
  OrderedJson identity = model_identity(model_dir);
  identity["dtype"] = engine.dtype;
  run_evaluation(generator, benches, EvalPrompts::builtin(), settings, identity, out_dir);
  return load_eval_run(out_dir, label);
}

MethodRunResult run_method(const RunConfig& config) {
  {
    auto session = RunSession::from_config(config, SessionOptions{"toy experiment", false, true, ""});
    run_once(*session);
    session->finish("ok");
  }
  const MethodRunStats stats = collect_run_stats(config.run.dir);
  MethodRunResult result;
  result.export_file = config.export_file();
  result.rows = stats.training_rows;
  result.questions = stats.questions;
  result.solved = stats.questions_with_data;
  result.generated_tokens = stats.generated_tokens;
  return result;
}

std::filesystem::path train_on_export(const TrainOptions& settings, const std::filesystem::path& base,
                                      const std::filesystem::path& data, const std::filesystem::path& out_dir) {
  TrainOptions options = settings;
  options.model_dir = base;
  options.data_path = data;
  options.out_dir = out_dir;
  if (options.mode == "lora") options.merge = true;  // eval loads whole models
  const std::filesystem::path model_dir = options.mode == "lora" ? out_dir / "merged" : out_dir;
  if (std::filesystem::exists(out_dir / "train_summary.json")) return model_dir;
  options.resume = latest_checkpoint(out_dir).has_value();
  const TrainResult result = run_training(options);
  log_info("train: " + std::to_string(result.total_steps) + " steps, final loss " +
           std::to_string(result.final_loss) + ", " + std::to_string(static_cast<int>(result.seconds)) + " s");
  return result.model_dir;
}

double add_seconds(const std::filesystem::path& file, double seconds) {
  double total = seconds;
  if (std::filesystem::exists(file)) {
    const std::string text = read_file(file);
    try {
      total += std::stod(text);
    } catch (const std::exception&) {
      fail(file.string(), ": expected a number of seconds, found '", text, "'");
    }
  }
  write_file_atomic(file, std::to_string(total) + "\n");
  return total;
}

}  // namespace regenesis::cli
