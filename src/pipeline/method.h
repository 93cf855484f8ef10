#pragma once
// A self-improvement method: how the paths of a run are generated, selected and rescued. Every
// method works over the same pieces (Generator, stage runner, run store, filter gates,
// exporter), so the methods differ only where they really differ (docs/METHODS.md):
//   regenesis  SELECT x20 + 25 singletons -> ADAPT -> IMPLEMENT -> EXECUTE per question; gold
//              match; hint rescue
//   star       few-shot CoT samples; gold match; rationalization with the gold answer as a hint
//   lmsi       few-shot CoT samples; majority vote (no gold answer used for selection)
//   rft        zero-shot CoT samples; gold match; dedup by the equations of the path
//   task_sd    SELECT/ADAPT/IMPLEMENT once per task, EXECUTE per question; gold match
#include <memory>
#include <string>
#include <vector>

#include "pipeline/path_filter.h"
#include "pipeline/synthesizer.h"

namespace regenesis {

class RunSession;
struct RescueSummary;

class Method {
 public:
  virtual ~Method() = default;
  // For tables and logs: "ReGenesis", "STaR", "LMSI", "RFT", "task-level Self-Discover".
  virtual std::string title() const = 0;
  // Hash of every prompt byte the method can send (part of the run's generation identity).
  virtual std::string prompt_fingerprint() const = 0;
  // Paths per question in main mode once synthesis is complete.
  virtual int main_paths_per_question() const = 0;

  virtual SynthesisCounts synthesize(RunSession& session) = 0;
  virtual FilterSummary filter(RunSession& session, const std::string& mode,
                               const std::vector<QuestionRow>& questions) = 0;
  // Whether the method has a hint step (ReGenesis's rescue, STaR's rationalization) and it is on.
  virtual bool has_rescue() const { return false; }
  virtual RescueSummary rescue(RunSession& session);
};

// "ReGenesis", "STaR", "LMSI", "RFT", "task-level Self-Discover" (the name for an unknown one).
std::string method_title(const std::string& method);

// The method named by config.method, with its prompts loaded and checked against the questions
// (a question without worked examples is an Error here, before any store is written).
std::unique_ptr<Method> make_method(const RunConfig& config, const PromptSet& prompts,
                                    const std::vector<QuestionRow>& questions);

// Shared by the methods with a hint step: the questions whose main synthesis is complete and
// that have no kept main path (counting in `incomplete` those whose synthesis is unfinished).
std::vector<QuestionRow> questions_without_kept_path(RunStore& store,
                                                     const std::vector<QuestionRow>& questions,
                                                     int main_paths, int64_t& incomplete);

}  // namespace regenesis
