// `regenesis toy experiment`: no training vs STaR vs LMSI vs ReGenesis on the toy reasoner, with the
// same questions, path budget, filter, trainer and evaluation for every method, over several seeds
// (each seed: its own training questions, sampling, data order and evaluation set). Writes
// OUT/experiment.md/.json and a chart; docs/TOY.md has the write-up. Resumable step by step.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/cmd_toy.h"
#include "cli/run_train_options.h"
#include "cli/toy_experiment.h"
#include "eval/seed_pooled.h"
#include "pipeline/method.h"
#include "pipeline/prompt_set.h"
#include "util/error.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

constexpr uint64_t kEvalSeedOffset = 1000;  // a seed's evaluation set: toy generate --seed 1000+s

struct Options {
  std::string config;
  std::string model;
  std::string out = "runs/toy-experiment";
  std::vector<uint64_t> seeds = {1, 2, 3};
  std::vector<std::string> methods = {"star", "lmsi", "regenesis"};
  size_t questions = 450;  // 150 left the in-domain gain within noise (docs/TOY.md)
  size_t eval_in = 400, eval_out = 100;  // 400 a family: the 3-seed in-domain interval is about +-1.8 points
  std::string cot_prompts;
  EvalSetup eval;
};

struct CellRecord {  // one (method, seed)
  std::string method;
  uint64_t seed = 0;
  MethodRunResult run;
  double seconds = 0;
};

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string data_table(const std::vector<CellRecord>& cells) {
  std::string md = "| method | seed | questions with kept data | training rows | generated tokens | wall time (s, all runs) |\n"
                   "|---|---|---|---|---|---|\n";
  for (const CellRecord& c : cells)
    md += "| " + method_title(c.method) + " | " + std::to_string(c.seed) + " | " + std::to_string(c.run.solved) +
          " / " + std::to_string(c.run.questions) + " | " + std::to_string(c.run.rows) + " | " +
          std::to_string(c.run.generated_tokens) + " | " + std::to_string(static_cast<int>(c.seconds)) + " |\n";
  return md;
}

void run(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  const RunConfig base = RunConfig::from_toml_file(o.config);
  if (base.synthesis.prompts.empty())
    fail(o.config, ": synthesis.prompts must name the toy prompt set (e.g. \"../prompts/toy\")");
  const std::filesystem::path model =
      std::filesystem::absolute(o.model.empty() ? base.model.path : o.model).lexically_normal();
  if (!std::filesystem::exists(model / "config.json"))
    fail(model.string(), ": no model here; run `regenesis toy pretrain --out ", model.string(), "` first");
  const TrainOptions train = train_options_from_table(base.train, o.config);
  const std::string train_prompt = PromptSet::load_directory(base.synthesis.prompts).train_prompt;
  const std::string cot_prompts = o.cot_prompts.empty() ? base.synthesis.prompts + "-cot" : o.cot_prompts;
  for (const std::string& m : o.methods)
    if (m == "none" || std::find(method_names().begin(), method_names().end(), m) == method_names().end())
      fail("--methods: unknown method '", m, "' (choose from ", join(method_names(), ", "),
           "; no training is always included)");
  const std::filesystem::path out = std::filesystem::absolute(o.out).lexically_normal();

  std::vector<EvalRun> baseline;
  std::vector<std::vector<EvalRun>> trained(o.methods.size());
  std::vector<CellRecord> cells;
  std::vector<std::string> seed_labels;
  for (uint64_t seed : o.seeds) {
    const std::filesystem::path dir = out / ("seed-" + std::to_string(seed));
    seed_labels.push_back("seed " + std::to_string(seed));
    EvalSetup setup = o.eval;
    setup.benches = write_toy_eval_sets(dir / "eval-data", o.eval_in, o.eval_out, kEvalSeedOffset + seed);
    const std::filesystem::path questions = dir / "questions.jsonl";
    write_toy_question_file(questions, "in", o.questions, seed);
    log_info("toy experiment: seed " + std::to_string(seed) + ": evaluating the pretrained model");
    baseline.push_back(evaluate_toy_model(model, setup, dir / "none" / "eval", "no training"));
    for (size_t m = 0; m < o.methods.size(); ++m) {
      const std::string& method = o.methods[m];
      const auto cell_start = std::chrono::steady_clock::now();
      log_info("toy experiment: seed " + std::to_string(seed) + ": " + method_title(method));
      RunConfig c = RunConfig::from_toml_file(o.config, method);
      c.seed = seed;
      c.model.path = model.string();
      c.data.questions = questions.string();
      c.data.limit = 0;
      c.run.dir = (dir / method).string();
      c.exporting.out = (dir / method / "sft.jsonl").string();
      c.exporting.prompt = train_prompt;  // every method's data gets the toy training prompt
      if (is_cot_method(method)) c.synthesis.prompts = cot_prompts;
      CellRecord cell{method, seed, run_method(c), 0};
      std::filesystem::path model_after = model;
      if (cell.run.rows > 0) {
        TrainOptions t = train;
        t.seed = seed;
        model_after = train_on_export(t, model, cell.run.export_file, dir / method / "trained");
      } else {
        log_warn("toy experiment: " + method + " kept no path for seed " + std::to_string(seed) +
                 "; its model is the pretrained one");
      }
      trained[m].push_back(evaluate_toy_model(model_after, setup, dir / method / "eval", method_title(method)));
      cell.seconds = add_seconds(dir / method / "seconds.txt", since(cell_start));
      cells.push_back(cell);
    }
  }

  std::vector<SeedMethod> methods;
  std::string reference;
  for (size_t m = 0; m < o.methods.size(); ++m) {
    SeedMethod sm{method_title(o.methods[m]), {}};
    for (const EvalRun& run : trained[m]) sm.runs.push_back(&run);
    if (o.methods[m] == "regenesis") reference = sm.name;
    methods.push_back(std::move(sm));
  }
  std::vector<const EvalRun*> base_runs;
  for (const EvalRun& run : baseline) base_runs.push_back(&run);
  const SeedTable table = build_seed_table("no training", base_runs, methods, seed_labels, reference);

  const std::string md = "# Toy experiment: " + join(o.methods, ", ") + " vs no training\n\n" +
                         "Model " + model.string() + "; " + std::to_string(o.questions) +
                         " in-domain training questions per seed; evaluation per seed: " +
                         std::to_string(o.eval_in) + " questions per in-domain family, " +
                         std::to_string(o.eval_out) + " per out-of-domain family (greedy, zero-shot).\n\n" +
                         seed_table_markdown(table) + "\n### Data and cost\n\n" + data_table(cells) +
                         "\nTotal wall time (all runs into this directory): " +
                         std::to_string(static_cast<int>(add_seconds(out / "seconds.txt", since(start)))) + " s\n";
  write_file_atomic(out / "experiment.md", md);
  OrderedJson json = seed_table_json(table);
  json["cells"] = OrderedJson::array();
  for (const CellRecord& c : cells)
    json["cells"].push_back({{"method", c.method}, {"seed", c.seed}, {"training_rows", c.run.rows},
                             {"questions_with_data", c.run.solved}, {"questions", c.run.questions},
                             {"generated_tokens", c.run.generated_tokens}, {"seconds", c.seconds}});
  write_file_atomic(out / "experiment.json", json.dump(2) + "\n");
  write_chart_files(seed_table_chart(table, "Toy experiment: accuracy pooled over " +
                                                std::to_string(o.seeds.size()) + " seeds"),
                    out, "experiment");
  std::printf("%s\nwritten: %s (experiment.json, experiment.png, experiment.svg)\n", md.c_str(),
              (out / "experiment.md").c_str());
}

void setup(CLI::App& sub) {
  auto o = std::make_shared<Options>();
  sub.add_option("--config", o->config, "Run config with the toy settings and [train] (examples/toy.toml)")
      ->required();
  sub.add_option("--model", o->model, "The pretrained toy model (default: the config's model.path)");
  sub.add_option("--out", o->out, "Output directory")->capture_default_str();
  sub.add_option("--seeds", o->seeds, "Seeds (each: its own questions, sampling, data order, eval set)")
      ->delimiter(',')
      ->capture_default_str();
  sub.add_option("--methods", o->methods, "Methods besides no training (run --method names)")
      ->delimiter(',')
      ->capture_default_str();
  sub.add_option("--questions", o->questions, "In-domain training questions per seed (every method)")
      ->capture_default_str();
  sub.add_option("--eval-in", o->eval_in, "Evaluation questions per in-domain family")->capture_default_str();
  sub.add_option("--eval-out", o->eval_out, "Evaluation questions per out-of-domain family")->capture_default_str();
  sub.add_option("--cot-prompts", o->cot_prompts,
                 "Prompt directory of STaR/LMSI/RFT (default: synthesis.prompts + \"-cot\", prompts/toy-cot)");
  sub.add_option("--max-tokens", o->eval.max_tokens, "Evaluation: new tokens per answer")->capture_default_str();
  sub.add_option("--threads", o->eval.threads, "Evaluation: CPU threads")->capture_default_str();
  sub.add_option("--batch", o->eval.batch, "Evaluation: sequences decoded together")->capture_default_str();
  sub.footer("Per seed S: OUT/seed-S/{questions.jsonl, eval-data/, none/eval, METHOD/{run.db, sft.jsonl, "
             "trained/, eval/}}. The table pools each (seed, question) pair over the seeds: accuracy with "
             "Wilson intervals, differences from no training with paired-bootstrap intervals and exact "
             "McNemar tests, ReGenesis head to head with the others. Rerun to resume.");
  sub.callback([o] { run(*o); });
}

REGENESIS_TOY_COMMAND("experiment", "Compare no training, STaR, LMSI and ReGenesis on the toy reasoner", setup);

}  // namespace
}  // namespace regenesis::cli
