#include "pipeline/run_session.h"

#include <cstdio>
#include <set>

#include "pipeline/backend.h"
#include "pipeline/stage_plan.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis {
namespace {

PromptSet load_prompts(const RunConfig& config) {
  return config.synthesis.prompts.empty() ? PromptSet::builtin()
                                          : PromptSet::load_directory(config.synthesis.prompts);
}

// A store remembers the generation identity it was written under; another one is refused
// (the outputs would mix two setups) unless forced.
void check_identity(RunStore& store, const RunConfig& config, const PromptSet& prompts, bool force) {
  auto stored = store.meta("identity");
  if (!stored) return;
  auto diffs = identity_differences(parse_json(*stored, store.file().string() + " identity"),
                                    config.generation_identity(prompts.fingerprint()));
  if (diffs.empty()) return;
  std::string list = "\n  " + join(diffs, "\n  ");
  if (!force)
    fail(store.file().string(),
         ": this run store was written with a different generation setup (stored -> now):", list,
         "\nUse --force to continue it anyway (stored outputs are kept and reused), or set "
         "another run.dir");
  log_warn("--force: continuing a run store written with a different setup:" + list);
}

void remember_config(RunStore& store, const RunConfig& config, const PromptSet& prompts) {
  store.set_meta("identity", config.generation_identity(prompts.fingerprint()).dump());
  store.set_meta("config", config.to_json().dump());
}

StoreOptions store_options(const RunConfig& config, bool create) {
  StoreOptions options;
  options.create = create;
  options.synchronous_full = config.run.sync == "full";
  return options;
}

}  // namespace

RunSession::RunSession(RunConfig config, PromptSet prompts, std::unique_ptr<RunStore> store,
                       std::vector<QuestionRow> questions, std::unique_ptr<Generator> generator,
                       TokenCounter counter)
    : config_(std::move(config)), prompts_(std::move(prompts)), store_(std::move(store)),
      questions_(std::move(questions)), generator_(std::move(generator)), counter_(std::move(counter)) {
  remember_config(*store_, config_, prompts_);
  store_->add_questions(questions_);
}

RunSession::~RunSession() {
  if (invocation_ >= 0 && store_) {
    try {
      store_->end_invocation(invocation_, "error");
    } catch (...) {
      // Best effort: the history row is informational.
    }
  }
}

std::unique_ptr<RunSession> RunSession::from_config_file(const std::filesystem::path& config_file,
                                                         const SessionOptions& options) {
  std::unique_ptr<RunSession> s(new RunSession());
  s->config_ = RunConfig::from_toml_file(config_file);
  s->prompts_ = load_prompts(s->config_);
  main_plan(s->config_, s->prompts_);  // validates the candidate counts
  s->renderer_ = std::make_unique<PromptRenderer>(s->prompts_.system, s->config_.synthesis.chat_template);
  s->questions_ = load_question_rows(s->config_);
  if (options.need_generator) s->generator_ = make_generator(s->config_);
  s->store_ = std::make_unique<RunStore>(s->config_.store_file(), store_options(s->config_, true));
  check_identity(*s->store_, s->config_, s->prompts_, options.force);
  s->store_->add_questions(s->questions_, options.force);
  remember_config(*s->store_, s->config_, s->prompts_);
  s->invocation_ = s->store_->begin_invocation(options.command, s->config_.to_json().dump());
  return s;
}

std::unique_ptr<RunSession> RunSession::from_run(
    const std::filesystem::path& run, const SessionOptions& options,
    const std::optional<std::filesystem::path>& override_config) {
  auto file = store_path_for(run);
  if (!std::filesystem::exists(file))
    fail(run.string(), ": no run store here (expected a run directory holding run.db, or a "
                       "store file)");
  std::unique_ptr<RunSession> s(new RunSession());
  std::optional<RunConfig> override;
  if (override_config) override = RunConfig::from_toml_file(*override_config);
  s->store_ = std::make_unique<RunStore>(file, store_options(override ? *override : RunConfig{}, false));
  if (override) {
    s->config_ = *override;
  } else {
    auto stored = s->store_->meta("config");
    if (!stored) fail(file.string(), ": the store has no config (was it made by `synthesize`?)");
    s->config_ = RunConfig::from_json(parse_json(*stored, file.string() + " config"),
                                      file.string() + " (stored config)", "/");
  }
  s->prompts_ = load_prompts(s->config_);
  check_identity(*s->store_, s->config_, s->prompts_, options.force);
  s->renderer_ = std::make_unique<PromptRenderer>(s->prompts_.system, s->config_.synthesis.chat_template);
  if (options.need_generator) s->generator_ = make_generator(s->config_);
  if (override) remember_config(*s->store_, s->config_, s->prompts_);
  s->questions_ = s->store_->questions();
  s->invocation_ = s->store_->begin_invocation(options.command, s->config_.to_json().dump());
  return s;
}

Generator& RunSession::generator() {
  if (!generator_) generator_ = make_generator(config_);
  return *generator_;
}

const TokenCounter& RunSession::token_counter() {
  if (!counter_) counter_ = make_token_counter(config_);
  return *counter_;
}

StageRunner& RunSession::runner() {
  if (!renderer_)
    renderer_ = std::make_unique<PromptRenderer>(prompts_.system, config_.synthesis.chat_template);
  if (!runner_) runner_ = std::make_unique<StageRunner>(generator(), *store_, *renderer_, config_.seed);
  return *runner_;
}

int64_t RunSession::generated_tokens() const { return runner_ ? runner_->generated_tokens() : 0; }

SynthesisCounts RunSession::synthesize() {
  return synthesize_mode(main_plan(config_, prompts_), questions_, config_.synthesis.chunk_questions,
                         *store_, runner());
}

FilterSummary RunSession::filter(const std::string& mode) {
  return filter_for(mode, questions_);
}

FilterSummary RunSession::filter_for(const std::string& mode, const std::vector<QuestionRow>& questions) {
  if (config_.filter.self_judge) {
    const auto& sampling = mode == "main" ? config_.synthesis.sampling : config_.rescue.sampling;
    judge_mode(mode, sampling, prompts_, questions, *store_, runner());
  }
  auto settings = FilterSettings::from_config(config_, prompts_);
  TokenCounter counter = settings.max_path_tokens > 0 ? token_counter()
                                                       : TokenCounter([](const std::string&) { return size_t{0}; });
  return filter_mode(mode, settings, questions, *store_, make_answer_matcher(config_.filter.match),
                     counter);
}

RescueSummary RunSession::rescue() {
  RescueSummary summary;
  if (!config_.rescue.enabled) return summary;
  int expected = main_plan(config_, prompts_).candidates();
  std::map<std::string, int> paths_per_question;
  for (const auto& p : store_->paths("main")) paths_per_question[p.question_id] += 1;
  std::set<std::string> solved;
  for (const auto& k : store_->kept("main")) solved.insert(k.question_id);
  std::vector<QuestionRow> unsolved;
  for (const auto& q : questions_) {
    if (solved.count(q.id)) continue;
    if (paths_per_question[q.id] < expected) {
      ++summary.incomplete;
      continue;
    }
    unsolved.push_back(q);
  }
  if (summary.incomplete > 0)
    log_warn(std::to_string(summary.incomplete) +
             " questions have unfinished main synthesis and were not rescued; run synthesize first");
  summary.unsolved = static_cast<int64_t>(unsolved.size());
  summary.synthesis = synthesize_mode(hint_plan(config_, prompts_), unsolved,
                                      config_.synthesis.chunk_questions, *store_, runner());
  summary.filter = filter_for("hint", unsolved);
  return summary;
}

ExportOptions RunSession::export_options() const {
  ExportOptions o;
  o.format = config_.exporting.format;
  o.out = config_.export_file();
  o.prompt = config_.exporting.prompt.empty() ? prompts_.train_prompt : config_.exporting.prompt;
  o.max_per_question = config_.exporting.max_per_question;
  o.dedup = config_.exporting.dedup;
  o.strip_braces = config_.exporting.strip_braces;
  o.include_rescue = config_.exporting.include_rescue;
  return o;
}

ExportResult RunSession::export_data(const ExportOptions& options) {
  return export_dataset(*store_, options);
}

void RunSession::finish(const std::string& status) {
  if (invocation_ < 0) return;
  store_->end_invocation(invocation_, status);
  invocation_ = -1;
}

}  // namespace regenesis
