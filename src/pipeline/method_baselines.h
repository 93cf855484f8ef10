#pragma once
// What the baseline methods share: the factories of method.h's make_method, and the driver that
// samples one path per (question, candidate) in chunks, committing each as it arrives and
// sending only what the store does not hold yet (so every method resumes like ReGenesis).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/method.h"
#include "pipeline/stage_plan.h"

namespace regenesis {

std::unique_ptr<Method> make_cot_method(const RunConfig& config,
                                        const std::vector<QuestionRow>& questions);
std::unique_ptr<Method> make_task_sd_method(const RunConfig& config, const PromptSet& prompts,
                                            const std::vector<QuestionRow>& questions);

// The length gate's counter: the session's tokenizer, or none when the gate is off.
TokenCounter length_counter(RunSession& session, const FilterSettings& settings);

// The path requests of one question still due, given what is stored for it in the mode.
using PathRequestsFor =
    std::function<std::vector<PendingRequest>(const QuestionRow& question, const StoredOutputs& done)>;

// Single-stage synthesis: `paths_per_question` EXECUTE outputs per question (for the progress
// count), one Generator call per chunk of questions.
SynthesisCounts synthesize_paths(const std::string& mode, const std::string& label,
                                 int paths_per_question, const std::vector<QuestionRow>& questions,
                                 int chunk_questions, const SamplingConfig& sampling, RunStore& store,
                                 StageRunner& runner, const PathRequestsFor& due);

// Candidates 0..n-1 of `mode` without a stored EXECUTE output, each a path request with the
// given turns; `fill` completes the path row (module, structure) when the method has one.
std::vector<PendingRequest> due_path_requests(const QuestionRow& question, const std::string& mode,
                                              int n, const StoredOutputs& done,
                                              const std::function<void(int candidate, PendingRequest&)>& fill);

}  // namespace regenesis
