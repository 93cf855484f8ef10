#pragma once
// One command's view of a run: the resolved config, the prompt set, the questions and the
// store, plus the generator and tokenizer made on first use. Everything that can fail on the
// user's input (config, prompts, data, model) is checked before the store is written, so a bad
// invocation leaves an existing store as it was.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "pipeline/exporter.h"
#include "pipeline/method.h"
#include "pipeline/path_filter.h"
#include "pipeline/prompt_set.h"
#include "pipeline/run_config.h"
#include "pipeline/synthesizer.h"
#include "store/run_store.h"

namespace regenesis {

struct SessionOptions {
  std::string command;  // recorded in the store's invocation history
  bool force = false;   // accept a store written under another generation identity
  bool need_generator = false;  // create the generator up front (fail before touching the store)
  std::string method;   // `run --method`: replaces the config's method ("" keeps it)
};

struct RescueSummary {
  int64_t unsolved = 0;    // questions without a kept main path
  int64_t incomplete = 0;  // skipped: main synthesis unfinished
  SynthesisCounts synthesis;
  FilterSummary filter;
};

class RunSession {
 public:
  // `run` and `synthesize`: from a config file; creates the store when needed and stores the
  // config and the questions.
  static std::unique_ptr<RunSession> from_config_file(const std::filesystem::path& config_file,
                                                      const SessionOptions& options);
  // The same from a resolved config (STaR's later iterations derive theirs from the file's).
  // `generator` (optional) is used instead of one made from the config.
  static std::unique_ptr<RunSession> from_config(RunConfig config, const SessionOptions& options,
                                                 std::unique_ptr<Generator> generator = nullptr);
  // `filter`, `rescue`, `export`: an existing run (its directory or store file) with its stored
  // config, or `override_config` (whose generation identity must match unless forced).
  static std::unique_ptr<RunSession> from_run(const std::filesystem::path& run,
                                              const SessionOptions& options,
                                              const std::optional<std::filesystem::path>& override_config);
  // For tests: everything given, generator included.
  RunSession(RunConfig config, PromptSet prompts, std::unique_ptr<RunStore> store,
             std::vector<QuestionRow> questions, std::unique_ptr<Generator> generator,
             TokenCounter counter);
  ~RunSession();

  SynthesisCounts synthesize();
  FilterSummary filter(const std::string& mode);
  // The same over a subset of the questions (rescue filters only the questions it rescued).
  FilterSummary filter_for(const std::string& mode, const std::vector<QuestionRow>& questions);
  RescueSummary rescue();
  ExportResult export_data(const ExportOptions& options);
  ExportOptions export_options() const;

  // The final table of `run` (and `synthesize`/`rescue` summaries).
  std::string summary_table(double seconds, const std::optional<ExportResult>& exported,
                            const std::filesystem::path& export_path);
  void finish(const std::string& status);

  const RunConfig& config() const { return config_; }
  const PromptSet& prompts() const { return prompts_; }
  RunStore& store() { return *store_; }
  const std::vector<QuestionRow>& questions() const { return questions_; }
  int64_t generated_tokens() const;
  Method& method() { return *method_; }

  // For the methods: made on first use (filter and export need no model).
  StageRunner& runner();
  const TokenCounter& token_counter();
  // The self-judge generations of `mode` when filter.self_judge is on (any method).
  void judge(const std::string& mode, const SamplingConfig& sampling,
             const std::vector<QuestionRow>& questions);

 private:
  RunSession() = default;
  Generator& generator();

  RunConfig config_;
  PromptSet prompts_;
  std::unique_ptr<RunStore> store_;
  std::vector<QuestionRow> questions_;
  std::unique_ptr<Generator> generator_;
  std::optional<TokenCounter> counter_;
  std::unique_ptr<PromptRenderer> renderer_;
  std::unique_ptr<StageRunner> runner_;
  std::unique_ptr<Method> method_;
  int64_t invocation_ = -1;
};

// One line per mode for the logs: "filter (main): 45 paths, 3 kept, ...".
std::string filter_report(const std::string& mode, const FilterSummary& summary);

// The questions of config.data (file, limit) as store rows; errors name the file and line.
std::vector<QuestionRow> load_question_rows(const RunConfig& config);

}  // namespace regenesis
