// synthesize_paths and due_path_requests: the single-stage sampling the baselines share.
#include "pipeline/method_baselines.h"
#include "util/log.h"

namespace regenesis {

std::vector<PendingRequest> due_path_requests(const QuestionRow& question, const std::string& mode,
                                              int n, const StoredOutputs& done,
                                              const std::function<void(int, PendingRequest&)>& fill) {
  std::vector<PendingRequest> due;
  for (int c = 0; c < n; ++c) {
    if (done.count({c, "execute"})) continue;
    PendingRequest request;
    request.key = {question.id, mode, c, "execute"};
    PathRecord path;
    path.question_id = question.id;
    path.mode = mode;
    path.candidate = c;
    request.path = std::move(path);
    fill(c, request);
    due.push_back(std::move(request));
  }
  return due;
}

SynthesisCounts synthesize_paths(const std::string& mode, const std::string& label,
                                 int paths_per_question, const std::vector<QuestionRow>& questions,
                                 int chunk_questions, const SamplingConfig& sampling, RunStore& store,
                                 StageRunner& runner, const PathRequestsFor& due) {
  SynthesisCounts counts;
  if (questions.empty() || paths_per_question == 0) return counts;
  int64_t total = 0, done = 0;
  for (const auto& q : questions) {
    total += paths_per_question;
    for (const auto& [key, record] : store.outputs_for(q.id, mode))
      if (key.second == "execute" && key.first >= 0) ++done;
  }
  counts.already_done = done;
  Progress progress(label, total - done);
  for (size_t start = 0; start < questions.size(); start += static_cast<size_t>(chunk_questions)) {
    size_t end = std::min(questions.size(), start + static_cast<size_t>(chunk_questions));
    std::vector<PendingRequest> pending;
    for (size_t i = start; i < end; ++i) {
      auto requests = due(questions[i], store.outputs_for(questions[i].id, mode));
      std::move(requests.begin(), requests.end(), std::back_inserter(pending));
    }
    counts.requests_sent += static_cast<int64_t>(pending.size());
    runner.run(pending, sampling, &progress);
  }
  progress.finish();
  return counts;
}

}  // namespace regenesis
