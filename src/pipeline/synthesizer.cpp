#include "pipeline/synthesizer.h"

#include <map>
#include <unordered_map>

namespace regenesis {

SynthesisCounts synthesize_mode(const ModePlan& plan, const std::vector<QuestionRow>& questions,
                                int chunk_questions, RunStore& store, StageRunner& runner) {
  SynthesisCounts counts;
  if (questions.empty() || plan.candidates() == 0) return counts;
  // Count what is stored first so the progress bar shows only the remaining work.
  int64_t total = 0, done = 0;
  for (const auto& q : questions) {
    total += plan.outputs_per_question();
    for (const auto& [key, record] : store.outputs_for(q.id, plan.mode))
      if (key.second != "judge") ++done;
  }
  counts.already_done = done;
  std::string label = plan.mode == "main" ? "synthesize" : "rescue (hints)";
  Progress progress(label, total - done);

  for (size_t start = 0; start < questions.size(); start += chunk_questions) {
    size_t end = std::min(questions.size(), start + static_cast<size_t>(chunk_questions));
    std::unordered_map<std::string, StoredOutputs> chunk_outputs;
    for (size_t i = start; i < end; ++i)
      chunk_outputs[questions[i].id] = store.outputs_for(questions[i].id, plan.mode);
    for (const auto& stage : kSynthesisStages) {
      std::vector<PendingRequest> pending;
      for (size_t i = start; i < end; ++i) {
        auto due = due_requests(plan, stage, questions[i], chunk_outputs[questions[i].id]);
        std::move(due.begin(), due.end(), std::back_inserter(pending));
      }
      counts.requests_sent += static_cast<int64_t>(pending.size());
      runner.run(pending, plan.sampling, &progress, [&](const OutputRecord& record) {
        chunk_outputs[record.key.question_id][{record.key.candidate, record.key.stage}] = record;
      });
    }
  }
  progress.finish();
  return counts;
}

SynthesisCounts judge_mode(const std::string& mode, const SamplingConfig& sampling,
                           const PromptSet& prompts, const std::vector<QuestionRow>& questions,
                           RunStore& store, StageRunner& runner) {
  SynthesisCounts counts;
  std::map<std::string, std::vector<PathRecord>> by_question;
  for (auto& path : store.paths(mode)) by_question[path.question_id].push_back(std::move(path));
  std::vector<PendingRequest> pending;
  for (const auto& q : questions) {
    auto it = by_question.find(q.id);
    if (it == by_question.end()) continue;
    auto due = due_judge_requests(prompts, q, it->second, store.outputs_for(q.id, mode));
    counts.already_done += static_cast<int64_t>(it->second.size() - due.size());
    std::move(due.begin(), due.end(), std::back_inserter(pending));
  }
  counts.requests_sent = static_cast<int64_t>(pending.size());
  Progress progress("self-judge (" + mode + ")", static_cast<long>(pending.size()));
  runner.run(pending, sampling, &progress);
  progress.finish();
  return counts;
}

}  // namespace regenesis
