// `regenesis toy generate` (question sets of the toy families) and `regenesis toy corpus` (the
// pretraining corpus in the toy prompt set's formats); docs/TOY.md describes both.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cmd_toy.h"
#include "cli/toy_prompt_renderer.h"
#include "data/toy_corpus.h"
#include "data/toy_families.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis::cli {

static std::vector<CommandInfo>& toy_registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

bool register_toy_command(CommandInfo info) {
  toy_registry().push_back(std::move(info));
  return true;
}

namespace {

std::string family_list() {
  std::string text;
  for (const auto& family : toy_families())
    text += "\n  " + family.name + " (" + toy_split_name(family.split) + ", " +
            answer_type_name(family.answer_type) + "): " + family.description;
  return text;
}

struct GenerateOptions {
  std::string family;
  bool all = false;
  std::string split;
  uint64_t n = 0;
  uint64_t seed = 0;
  std::string out;
};

void run_generate(const GenerateOptions& o) {
  std::vector<const ToyFamily*> families;
  if (o.all == !o.family.empty()) fail("give either --family NAME or --all (with --split in|out)");
  if (o.all) {
    if (o.split.empty()) fail("--all needs --split in|out");
    families = toy_families_of(parse_toy_split(o.split));
  } else {
    const ToyFamily& family = toy_family(o.family);
    if (!o.split.empty() && parse_toy_split(o.split) != family.split)
      fail("family ", family.name, " is in split \"", toy_split_name(family.split), "\", not \"", o.split, "\"");
    families = {&family};
  }
  if (o.n == 0) fail("--n must be at least 1");
  save_questions(o.out, generate_toy_questions(families, o.n, o.seed));
  std::vector<std::string> names;
  for (const auto* family : families) names.push_back(family->name);
  std::printf("wrote %llu questions (%s; seed %llu) to %s\n", static_cast<unsigned long long>(o.n),
              join(names, ", ").c_str(), static_cast<unsigned long long>(o.seed), o.out.c_str());
}

void setup_generate(CLI::App& sub) {
  auto o = std::make_shared<GenerateOptions>();
  sub.add_option("--family", o->family, "One family (see below)");
  sub.add_flag("--all", o->all, "Every family of --split, in turn");
  sub.add_option("--split", o->split, "in (self-improvement) or out (evaluation only)");
  sub.add_option("--n", o->n, "Number of questions")->required();
  sub.add_option("--seed", o->seed, "Seed: the same seed gives the same file")->capture_default_str();
  sub.add_option("--out", o->out, "Question JSONL to write")->required();
  sub.footer("Families:" + family_list() +
             "\nEach question has a gold answer and a worked solution (rationale) ending in \\boxed{}.");
  sub.callback([o] { run_generate(*o); });
}

struct CorpusOptions {
  ToyCorpusOptions corpus;
  std::string mix;
  std::string prompts;
  std::string out;
};

void run_corpus(CorpusOptions o) {
  if (o.corpus.n == 0) fail("--n must be at least 1");
  if (!o.mix.empty()) o.corpus.mix = parse_toy_mix(o.mix);
  PromptSetRenderer renderer(load_toy_prompt_set(o.prompts));
  const ToyCorpusSummary s = write_toy_corpus(o.out, o.corpus, renderer);
  auto counts = [](const std::map<std::string, uint64_t>& m) {
    std::vector<std::string> parts;
    for (const auto& [name, count] : m) parts.push_back(name + " " + std::to_string(count));
    return join(parts, ", ");
  };
  std::printf("wrote %llu examples to %s\n  formats: %s\n  split: %s\n  injected errors: %s\n  habit: %llu\n",
              static_cast<unsigned long long>(s.examples), o.out.c_str(), counts(s.by_format).c_str(),
              counts(s.by_split).c_str(), counts(s.by_injection).c_str(),
              static_cast<unsigned long long>(s.habit));
}

void setup_corpus(CLI::App& sub) {
  auto o = std::make_shared<CorpusOptions>();
  sub.add_option("--out", o->out, "SFT JSONL to write (chat messages + meta)")->required();
  sub.add_option("--n", o->corpus.n, "Number of examples")->required();
  sub.add_option("--seed", o->corpus.seed, "Seed: the same seed gives the same file")->capture_default_str();
  sub.add_option("--error-rate", o->corpus.error_rate,
                 "Share of direct/execute solutions with one wrong step result (carried to a wrong answer)")
      ->capture_default_str();
  sub.add_option("--skip-rate", o->corpus.skip_rate, "Share of direct/execute solutions with one step left out")
      ->capture_default_str();
  sub.add_option("--ood-share", o->corpus.ood_share, "Share of examples from out-of-domain families")
      ->capture_default_str();
  sub.add_option("--habit-rate", o->corpus.habit_rate,
                 "Share of direct/execute solutions that work doubles/triples as adding 2/3 (the habit)")
      ->capture_default_str();
  sub.add_option("--mix", o->mix,
                 "Format weights, NAME=W,... (formats not named get 0); default " +
                     toy_mix_text(default_toy_mix()));
  sub.add_option("--prompts", o->prompts, "Prompt directory (default: the built-in prompts/toy)");
  sub.footer("Every stage example uses the toy prompt set's exact prompts, as the pipeline renders them; "
             "meta.injected_error is none, wrong_step or skipped_step; meta.habit marks the habit. See docs/TOY.md.");
  sub.callback([o] { run_corpus(*o); });
}

REGENESIS_TOY_COMMAND("generate", "Write a question set of the toy families (gold answers + worked solutions)",
                      setup_generate);
REGENESIS_TOY_COMMAND("corpus", "Write the toy pretraining corpus (CoT + every ReGenesis stage format)",
                      setup_corpus);

void setup_toy(CLI::App& sub) {
  sub.require_subcommand(1);
  auto commands = toy_registry();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return std::string(a.name) < b.name; });
  for (auto& command : commands) command.setup(*sub.add_subcommand(command.name, command.description));
}

REGENESIS_COMMAND("toy", "The toy world: question families, pretraining corpus (see docs/TOY.md)", setup_toy);

}  // namespace
}  // namespace regenesis::cli
