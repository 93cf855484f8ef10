#include "pipeline/run_session.h"

#include <cstdio>
#include <set>

#include "pipeline/backend.h"
#include "pipeline/cot_prompts.h"
#include "pipeline/stage_plan.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// The ReGenesis prompt set. The CoT baselines read synthesis.prompts in their own layout
// (pipeline/cot_prompts.h) and use this set's training prompt (the export's user turn, the same
// for every method) with their own set's system message, which their prompts are sent with.
PromptSet load_prompts(const RunConfig& config) {
  if (is_cot_method(config.method)) {
    PromptSet set = PromptSet::builtin();
    set.system = config.synthesis.prompts.empty()
                     ? CotPromptSet::builtin(config.synthesis.fewshot).system
                     : CotPromptSet::load_directory(config.synthesis.prompts, config.synthesis.fewshot).system;
    return set;
  }
  if (config.synthesis.prompts.empty()) return PromptSet::builtin();
  return PromptSet::load_directory(config.synthesis.prompts);
}

// A store remembers the generation identity it was written under; another one is refused
// (the outputs would mix two setups) unless forced.
void check_identity(RunStore& store, const RunConfig& config, const Method& method, bool force) {
  auto stored = store.meta("identity");
  if (!stored) return;
  auto diffs = identity_differences(parse_json(*stored, store.file().string() + " identity"),
                                    config.generation_identity(method.prompt_fingerprint()));
  if (diffs.empty()) return;
  std::string list = "\n  " + join(diffs, "\n  ");
  if (!force)
    fail(store.file().string(),
         ": this run store was written with a different generation setup (stored -> now):", list,
         "\nUse --force to continue it anyway (stored outputs are kept and reused), or set "
         "another run.dir");
  log_warn("--force: continuing a run store written with a different setup:" + list);
}

void remember_config(RunStore& store, const RunConfig& config, const Method& method) {
  store.set_meta("identity", config.generation_identity(method.prompt_fingerprint()).dump());
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
  method_ = make_method(config_, prompts_, questions_);
  remember_config(*store_, config_, *method_);
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
  return from_config(RunConfig::from_toml_file(config_file, options.method), options);
}

std::unique_ptr<RunSession> RunSession::from_config(RunConfig config, const SessionOptions& options,
                                                    std::unique_ptr<Generator> generator) {
  std::unique_ptr<RunSession> s(new RunSession());
  s->config_ = std::move(config);
  s->prompts_ = load_prompts(s->config_);
  main_plan(s->config_, s->prompts_);  // validates the candidate counts
  s->questions_ = load_question_rows(s->config_);
  s->method_ = make_method(s->config_, s->prompts_, s->questions_);
  s->renderer_ = std::make_unique<PromptRenderer>(s->prompts_.system, s->config_.synthesis.chat_template);
  s->generator_ = std::move(generator);
  if (options.need_generator && !s->generator_) s->generator_ = make_generator(s->config_);
  s->store_ = std::make_unique<RunStore>(s->config_.store_file(), store_options(s->config_, true));
  check_identity(*s->store_, s->config_, *s->method_, options.force);
  s->store_->add_questions(s->questions_, options.force);
  remember_config(*s->store_, s->config_, *s->method_);
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
  s->questions_ = s->store_->questions();
  s->method_ = make_method(s->config_, s->prompts_, s->questions_);
  check_identity(*s->store_, s->config_, *s->method_, options.force);
  s->renderer_ = std::make_unique<PromptRenderer>(s->prompts_.system, s->config_.synthesis.chat_template);
  if (options.need_generator) s->generator_ = make_generator(s->config_);
  if (override) remember_config(*s->store_, s->config_, *s->method_);
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

SynthesisCounts RunSession::synthesize() { return method_->synthesize(*this); }

FilterSummary RunSession::filter(const std::string& mode) {
  return filter_for(mode, questions_);
}

FilterSummary RunSession::filter_for(const std::string& mode, const std::vector<QuestionRow>& questions) {
  return method_->filter(*this, mode, questions);
}

void RunSession::judge(const std::string& mode, const SamplingConfig& sampling,
                       const std::vector<QuestionRow>& questions) {
  if (config_.filter.self_judge) judge_mode(mode, sampling, prompts_, questions, *store_, runner());
}

RescueSummary RunSession::rescue() {
  if (!method_->has_rescue()) return {};
  return method_->rescue(*this);
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
