// `regenesis train`: supervised fine-tuning (LoRA or full) of a HF model dir on an SFT JSONL file.
// `--preset paper` starts from the paper's hyper-parameters; any flag given explicitly wins.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "model/lora_settings.h"
#include "train/train.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

struct Options {
  TrainOptions given;   // what the flags parsed into (defaults where not given)
  std::string preset;   // "" | "paper"
  int lora_rank = 0;
  bool full = false;
  std::string target_modules;
  // Each explicit flag copies its field from `given` onto the preset's options.
  std::vector<std::pair<const CLI::Option*, std::function<void(TrainOptions&, const TrainOptions&)>>> overrides;
};

TrainOptions resolve(const Options& options) {
  TrainOptions resolved = options.preset == "paper" ? paper_train_preset() : TrainOptions{};
  resolved.model_dir = options.given.model_dir;
  resolved.data_path = options.given.data_path;
  resolved.out_dir = options.given.out_dir;
  for (const auto& [option, apply] : options.overrides)
    if (option->count() > 0) apply(resolved, options.given);
  if (options.full && options.lora_rank > 0) fail("give either --full or --lora-rank, not both");
  if (options.full) resolved.mode = "full";
  if (options.lora_rank > 0) {
    resolved.mode = "lora";
    resolved.lora.rank = options.lora_rank;
  }
  if (!options.target_modules.empty()) {
    resolved.lora.target_modules.clear();
    if (options.target_modules == "all" || options.target_modules == "all-linear")
      resolved.lora.target_modules = lora_module_names();
    else
      for (const std::string& name : split(options.target_modules, ','))
        if (!trim(name).empty()) resolved.lora.target_modules.push_back(trim(name));
  }
  return resolved;
}

void run(const Options& options) {
  const TrainOptions resolved = resolve(options);
  const TrainResult result = run_training(resolved);
  std::printf("trained %lld steps%s on %lld examples; final loss %.4f; %.0f tokens/s\n",
              static_cast<long long>(result.total_steps - result.start_step),
              result.start_step > 0 ? (" (resumed at step " + std::to_string(result.start_step) + ")").c_str() : "",
              static_cast<long long>(result.data.examples), result.final_loss, result.tokens_per_second);
  if (!result.adapter_dir.empty()) std::printf("adapter (PEFT): %s\n", result.adapter_dir.c_str());
  if (!result.model_dir.empty()) std::printf("model (HF): %s\n", result.model_dir.c_str());
  std::fflush(stdout);
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  TrainOptions& g = options->given;
  auto field = [&](CLI::Option* option, auto member) {
    options->overrides.emplace_back(option, [member](TrainOptions& to, const TrainOptions& from) {
      to.*member = from.*member;
    });
    return option;
  };
  sub.add_option("--model", g.model_dir, "Base model directory (HF layout)")->required();
  sub.add_option("--data", g.data_path,
                 "SFT JSONL: {\"messages\": [...]} (chat), {\"instruction\", \"input\", \"output\"} "
                 "(Alpaca) or {\"prompt\", \"completion\"} per line")
      ->required();
  sub.add_option("--out", g.out_dir, "Output directory")->required();
  sub.add_option("--preset", options->preset,
                 "paper: full FT, lr 1e-6, cosine, 3% warmup, 3 epochs, global batch 64, bf16 where "
                 "native (explicit flags override it)")
      ->check(CLI::IsMember({"paper"}));
  sub.add_option("--lora-rank", options->lora_rank, "LoRA with this rank (the default mode: r=8)");
  sub.add_flag("--full", options->full, "Full fine-tuning instead of LoRA");
  auto lora_field = [&](CLI::Option* option, auto member) {
    options->overrides.emplace_back(option, [member](TrainOptions& to, const TrainOptions& from) {
      to.lora.*member = from.lora.*member;
    });
  };
  lora_field(sub.add_option("--lora-alpha", g.lora.alpha, "LoRA alpha (scale = alpha / r)")->capture_default_str(),
             &LoraSettings::alpha);
  lora_field(sub.add_option("--lora-dropout", g.lora.dropout, "Dropout on the adapters' input")->capture_default_str(),
             &LoraSettings::dropout);
  lora_field(sub.add_flag("--rslora", g.lora.use_rslora, "rsLoRA scale alpha / sqrt(r)"), &LoraSettings::use_rslora);
  sub.add_option("--target-modules", options->target_modules,
                 "Comma-separated among " + join(lora_module_names(), ",") +
                     ", or 'all' (default q_proj,k_proj,v_proj,o_proj)");
  field(sub.add_option("--lr", g.learning_rate, "Peak learning rate (default 2e-4 LoRA, 1e-5 full)"),
        &TrainOptions::learning_rate);
  field(sub.add_option("--epochs", g.epochs, "Passes over the data")->capture_default_str(), &TrainOptions::epochs);
  field(sub.add_option("--batch-size", g.batch_size, "Rows per forward pass")->capture_default_str(),
        &TrainOptions::batch_size);
  field(sub.add_option("--grad-accum", g.grad_accum, "Micro-batches per optimizer step (default: from "
                                                     "--global-batch, else 1)"),
        &TrainOptions::grad_accum);
  field(sub.add_option("--global-batch", g.global_batch, "Examples per optimizer step (a multiple of --batch-size)"),
        &TrainOptions::global_batch);
  field(sub.add_option("--max-length", g.max_length, "Tokens per example")->capture_default_str(),
        &TrainOptions::max_length);
  field(sub.add_flag("--truncate", g.truncate, "Cut longer examples instead of stopping"), &TrainOptions::truncate);
  field(sub.add_flag("--packing", g.packing, "Pack several examples per row (attention kept apart)"),
        &TrainOptions::packing);
  field(sub.add_option("--warmup-ratio", g.warmup_ratio, "Warmup steps as a share of all steps")->capture_default_str(),
        &TrainOptions::warmup_ratio);
  field(sub.add_option("--schedule", g.schedule, "cosine, linear or constant after the warmup")
            ->check(CLI::IsMember({"cosine", "linear", "constant"}))
            ->capture_default_str(),
        &TrainOptions::schedule);
  field(sub.add_option("--weight-decay", g.weight_decay, "Decoupled weight decay")->capture_default_str(),
        &TrainOptions::weight_decay);
  field(sub.add_option("--clip", g.clip, "Max global gradient norm (0: off)")->capture_default_str(), &TrainOptions::clip);
  field(sub.add_option("--seed", g.seed, "Seed of data order, LoRA init and dropout")->capture_default_str(),
        &TrainOptions::seed);
  field(sub.add_option("--save-every", g.save_every, "Checkpoint every N steps (0: only at the end)")
            ->capture_default_str(),
        &TrainOptions::save_every);
  field(sub.add_option("--keep-checkpoints", g.keep_checkpoints, "Newest checkpoints kept")->capture_default_str(),
        &TrainOptions::keep_checkpoints);
  field(sub.add_flag("--resume", g.resume, "Continue from the newest checkpoint in OUT/checkpoints"),
        &TrainOptions::resume);
  field(sub.add_option("--dtype", g.dtype, "f32, bf16 (autocast, float32 master weights) or auto")
            ->check(CLI::IsMember({"f32", "bf16", "auto"}))
            ->capture_default_str(),
        &TrainOptions::dtype);
  field(sub.add_option("--threads", g.threads, "CPU threads (0: one per core)")->capture_default_str(),
        &TrainOptions::threads);
  field(sub.add_flag("--merge", g.merge, "LoRA: also write the merged model to OUT/merged"), &TrainOptions::merge);
  field(sub.add_flag("--checkpoint-activations", g.checkpoint_activations,
                     "Recompute layers in backward (less memory, ~1/3 more compute)"),
        &TrainOptions::checkpoint_activations);
  field(sub.add_option("--chat-template", g.chat_template, "A template name instead of the model's own"),
        &TrainOptions::chat_template);
  field(sub.add_option("--log-every", g.log_every, "Steps between lines of train_log.jsonl")->capture_default_str(),
        &TrainOptions::log_every);
  sub.footer("Loss is on the assistant tokens only (through the end-of-turn token). OUT gets a PEFT "
             "adapter (LoRA; --merge adds OUT/merged) or a whole HF model (--full), "
             "train_log.jsonl, train_summary.json and checkpoints/.");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("train", "Fine-tune a model on an SFT JSONL file (LoRA or full)", setup);

}  // namespace
}  // namespace regenesis::cli
