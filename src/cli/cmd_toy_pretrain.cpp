// `regenesis toy pretrain`: trains the toy reasoner from scratch (corpus -> tokenizer -> random
// decoder -> full training with the project's trainer) into an HF model directory that every
// command loads. Killed, the same command resumes from the newest checkpoint; docs/TOY.md.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/cmd_toy.h"
#include "cli/toy_prompt_renderer.h"
#include "data/toy_corpus.h"
#include "train/toy_pretrain.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis::cli {
namespace {

struct Options {
  ToyPretrainOptions pretrain;
  ToyCorpusOptions corpus;
  std::string mix;
  std::string prompts;
};

void run(Options o) {
  if (!o.mix.empty()) o.corpus.mix = parse_toy_mix(o.mix);
  o.corpus.seed = o.pretrain.seed;
  o.corpus.n = static_cast<uint64_t>(o.pretrain.corpus_examples());
  o.corpus.validate();
  o.pretrain.corpus_settings = {{"error_rate", o.corpus.error_rate}, {"skip_rate", o.corpus.skip_rate},
                                {"habit_rate", o.corpus.habit_rate},
                                {"ood_share", o.corpus.ood_share}, {"mix", toy_mix_text(o.corpus.mix)},
                                {"prompts", o.prompts.empty() ? "built-in:toy" : o.prompts}};
  const bool done = prepare_toy_pretrain(o.pretrain);

  const std::filesystem::path corpus = toy_pretrain_corpus_path(o.pretrain.out);
  if (!done && !std::filesystem::exists(corpus)) {
    log_info("toy pretrain: writing " + std::to_string(o.corpus.n) + " corpus examples to " + corpus.string());
    PromptSetRenderer renderer(load_toy_prompt_set(o.prompts));
    write_toy_corpus(corpus, o.corpus, renderer);  // atomic: present means complete
  }
  const ToyPretrainResult r = run_toy_pretrain(o.pretrain, corpus);
  const ModelConfig& c = r.config;
  if (r.already_done) {
    std::printf("%s already holds the pretrained toy model (%lld parameters); nothing to do\n",
                o.pretrain.out.c_str(), static_cast<long long>(r.parameters));
    return;
  }
  std::printf("pretrained the toy model: %lld parameters (%lld layers, hidden %lld, vocab %lld), %lld steps%s, "
              "final loss %.4f, %.0f s, %.0f tokens/s\nmodel (HF): %s\n",
              static_cast<long long>(r.parameters), static_cast<long long>(c.num_hidden_layers),
              static_cast<long long>(c.hidden_size), static_cast<long long>(c.vocab_size),
              static_cast<long long>(r.steps),
              r.resumed_from > 0 ? (" (resumed at step " + std::to_string(r.resumed_from) + ")").c_str() : "",
              r.final_loss, r.seconds, r.tokens_per_second, o.pretrain.out.c_str());
}

void setup(CLI::App& sub) {
  auto o = std::make_shared<Options>();
  ToyPretrainOptions& p = o->pretrain;
  ToyModelShape& s = p.shape;
  sub.add_option("--out", p.out, "Model directory to write (HF layout)")->required();
  sub.add_option("--seed", p.seed, "Seed of the corpus, the weights and the data order")->capture_default_str();
  sub.add_option("--steps", p.steps, "Optimizer steps (one pass over steps x batch fresh examples)")
      ->capture_default_str();
  sub.add_option("--batch-size", p.batch_size, "Sequences per forward pass")->capture_default_str();
  sub.add_option("--grad-accum", p.grad_accum, "Forward passes per optimizer step")->capture_default_str();
  sub.add_option("--lr", p.learning_rate, "Peak learning rate (cosine after a warmup)")->capture_default_str();
  sub.add_option("--warmup-ratio", p.warmup_ratio, "Warmup steps as a share of all steps")->capture_default_str();
  sub.add_option("--dtype", p.dtype, "Training compute: f32, bf16 (autocast) or auto")
      ->check(CLI::IsMember({"f32", "bf16", "auto"}))
      ->capture_default_str();
  sub.add_option("--threads", p.threads, "CPU threads (0: one per core; 1 on a busy machine)")->capture_default_str();
  sub.add_option("--save-every", p.save_every, "Steps between checkpoints (where a resume starts)")
      ->capture_default_str();
  sub.add_option("--hidden", s.hidden, "Model width")->capture_default_str();
  sub.add_option("--layers", s.layers, "Decoder layers")->capture_default_str();
  sub.add_option("--heads", s.heads, "Attention heads")->capture_default_str();
  sub.add_option("--kv-heads", s.kv_heads, "Key/value heads (grouped-query attention)")->capture_default_str();
  sub.add_option("--intermediate", s.intermediate, "MLP width")->capture_default_str();
  sub.add_option("--max-positions", s.max_positions, "Context length (and training max length)")
      ->capture_default_str();
  sub.add_option("--vocab", s.vocab_limit, "Tokenizer tokens at most")->capture_default_str();
  sub.add_flag("--split-digits", s.split_digits, "Spell numbers digit by digit (default: frequent numbers are tokens)");
  sub.add_option("--error-rate", o->corpus.error_rate, "Corpus: share of solutions with a wrong step result")
      ->capture_default_str();
  sub.add_option("--skip-rate", o->corpus.skip_rate, "Corpus: share of solutions with a skipped step")
      ->capture_default_str();
  sub.add_option("--ood-share", o->corpus.ood_share, "Corpus: share of out-of-domain examples")->capture_default_str();
  sub.add_option("--habit-rate", o->corpus.habit_rate,
                 "Corpus: share of solutions that work doubles/triples as adding 2/3 (the habit)")
      ->capture_default_str();
  sub.add_option("--mix", o->mix, "Corpus format weights NAME=W,... (default " + toy_mix_text(default_toy_mix()) + ")");
  sub.add_option("--prompts", o->prompts, "Prompt directory (default: the built-in prompts/toy)");
  sub.footer("OUT gets config.json, model.safetensors, tokenizer.json, tokenizer_config.json (ChatML), "
             "train_log.jsonl and pretrain/ (corpus, random initial model, settings). Run the same command "
             "again after a kill to resume from the newest checkpoint. See docs/TOY.md.");
  sub.callback([o] { run(*o); });
}

REGENESIS_TOY_COMMAND("pretrain", "Train the toy reasoner from scratch (corpus, tokenizer, decoder, trainer)", setup);

}  // namespace
}  // namespace regenesis::cli
