// `regenesis model init`: writes a random model in Hugging Face layout (weights, config,
// tokenizer with a ChatML template) for tests and demos.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "model/init_model.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

struct Options {
  InitOptions init;
  std::string out;
};

void run_init(const Options& options) {
  init_model_dir(options.out, options.init);
  const ModelConfig config = init_preset_config(options.init);
  std::printf("wrote a random %s model (%s, %lld layers, hidden %lld, vocab %lld, %s, seed %llu) to %s\n",
              options.init.preset.c_str(), config.architecture.c_str(),
              static_cast<long long>(config.num_hidden_layers),
              static_cast<long long>(config.hidden_size), static_cast<long long>(config.vocab_size),
              options.init.dtype.c_str(), static_cast<unsigned long long>(options.init.seed),
              options.out.c_str());
}

void setup(CLI::App& sub) {
  sub.require_subcommand(1);
  auto options = std::make_shared<Options>();
  CLI::App* init = sub.add_subcommand("init", "Write a random model (HF layout) for tests and demos");
  init->add_option("--preset", options->init.preset,
                   "Model shape: " + join(init_preset_names(), ", "))
      ->check(CLI::IsMember(init_preset_names()))
      ->capture_default_str();
  init->add_option("--arch", options->init.arch, "Architecture: " + join(init_arch_names(), ", "))
      ->check(CLI::IsMember(init_arch_names()))
      ->capture_default_str();
  init->add_option("--out", options->out, "Output directory (created when missing)")->required();
  init->add_option("--seed", options->init.seed, "Seed of the weights: same seed, same bytes")
      ->capture_default_str();
  init->add_option("--dtype", options->init.dtype, "Storage type of the weights: f32 or bf16")
      ->check(CLI::IsMember({"f32", "bf16"}))
      ->capture_default_str();
  init->footer("Files: config.json, generation_config.json, model.safetensors, tokenizer.json, "
               "tokenizer_config.json (ChatML template), special_tokens_map.json. The tokenizer "
               "is a small byte-level BPE learned from a built-in corpus.");
  init->callback([options] { run_init(*options); });
}

REGENESIS_COMMAND("model", "Model utilities (init: write a random model)", setup);

}  // namespace
}  // namespace regenesis::cli
