#pragma once
// Stages 1-3 of ReGenesis for many questions: chunks of questions go through SELECT, ADAPT,
// IMPLEMENT and EXECUTE, each stage of a chunk as one Generator call, every completion
// committed as it arrives. What the store already holds is skipped, so rerunning resumes.
#include <vector>

#include "pipeline/stage_plan.h"
#include "pipeline/stage_runner.h"

namespace regenesis {

struct SynthesisCounts {
  int64_t requests_sent = 0;
  int64_t already_done = 0;  // outputs found in the store
};

SynthesisCounts synthesize_mode(const ModePlan& plan, const std::vector<QuestionRow>& questions,
                                int chunk_questions, RunStore& store, StageRunner& runner);

// The self-judge gate's generations for every path of `mode` (resumable like the stages).
SynthesisCounts judge_mode(const std::string& mode, const SamplingConfig& sampling,
                           const PromptSet& prompts, const std::vector<QuestionRow>& questions,
                           RunStore& store, StageRunner& runner);

}  // namespace regenesis
