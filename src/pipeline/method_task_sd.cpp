// Task-level Self-Discover (Zhou et al., 2024): SELECT, ADAPT and IMPLEMENT run once per *task*
// on a description made of a few of its questions (Self-Discover shows the model task examples
// without answers), and every question of the task is then solved with that one structure.
// The stage prompts are ReGenesis's own (the prompt set of synthesis.prompts) with the task
// description in the {question} slot, so this method differs from ReGenesis exactly in where
// the structure comes from: one per task instead of 45 per question. Same filter; no hint step.
//
// Storage: structure s of a task is stored under the task's first question, mode "main",
// candidate -(s+1), stages select/adapt/implement; the paths are that question's (and every
// other question's) EXECUTE outputs of candidates 0..paths-1, candidate c following structure
// c % task_sd.structures.
#include <map>

#include "pipeline/embedded_prompts.h"
#include "pipeline/hashing.h"
#include "pipeline/method_baselines.h"
#include "pipeline/run_session.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis {
namespace {

struct Task {
  std::string name;
  const QuestionRow* anchor;  // the task's first question: holds the task-level outputs
  std::string description;
};

std::string builtin_description() {
  std::size_t count = 0;
  const EmbeddedFile* files = embedded_prompt_files(&count);
  for (std::size_t i = 0; i < count; ++i)
    if (std::string(files[i].path) == "task_sd/task_description.txt") {
      std::string text(reinterpret_cast<const char*>(files[i].data), files[i].size);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      return text;
    }
  fail("internal: the built-in prompt task_sd/task_description.txt is missing");
}

int structure_candidate(int s) { return -(s + 1); }

class TaskSdMethod : public Method {
 public:
  TaskSdMethod(const RunConfig& config, const PromptSet& prompts)
      : config_(config), prompts_(prompts) {
    description_ = config_.task_sd.description.empty() ? builtin_description() : config_.task_sd.description;
    for (const char* name : {"{task}", "{examples}"})
      if (description_.find(name) == std::string::npos)
        fail("task_sd.description: the template needs the placeholder ", name);
    plan_ = main_plan(config_, prompts_);
    plan_.selections = config_.task_sd.structures;  // one SELECT sample per structure
    plan_.singletons.clear();
  }

  std::string title() const override { return method_title("task_sd"); }
  std::string prompt_fingerprint() const override {
    return hash_hex(prompts_.fingerprint() + "|task_sd|" + description_);
  }
  int main_paths_per_question() const override { return config_.synthesis.paths; }

  SynthesisCounts synthesize(RunSession& s) override {
    auto tasks = group_tasks(s.questions());
    SynthesisCounts counts = synthesize_structures(s, tasks);
    std::map<std::string, const Task*> task_of;
    for (const auto& t : tasks) task_of[t.name] = &t;
    auto due = [&](const QuestionRow& q, const StoredOutputs& done) {
      const Task& task = *task_of.at(q.task);
      StoredOutputs structure_outputs = s.store().outputs_for(task.anchor->id, "main");
      return due_path_requests(q, "main", config_.synthesis.paths, done, [&](int c, PendingRequest& r) {
        int st = structure_candidate(c % config_.task_sd.structures);
        auto text = [&](const char* stage) {
          auto it = structure_outputs.find({st, stage});
          if (it == structure_outputs.end())
            fail("internal: task '", task.name, "' has no stored ", stage, " output");
          return it->second.text;
        };
        r.path->module = text("select");
        r.path->adapted = text("adapt");
        r.path->structure = text("implement");
        r.user = replace_box_placeholder(fill_template(
            plan_.execute, {{"question", q.question}, {"selected", r.path->module},
                            {"adapted", r.path->adapted}, {"structure", r.path->structure}}));
      });
    };
    auto paths = synthesize_paths("main", "solve (task_sd)", config_.synthesis.paths, s.questions(),
                                  config_.synthesis.chunk_questions, config_.synthesis.sampling,
                                  s.store(), s.runner(), due);
    counts.requests_sent += paths.requests_sent;
    counts.already_done += paths.already_done;
    return counts;
  }

  FilterSummary filter(RunSession& s, const std::string& mode,
                       const std::vector<QuestionRow>& questions) override {
    s.judge(mode, config_.synthesis.sampling, questions);
    auto settings = FilterSettings::from_config(config_, prompts_);
    return filter_mode(mode, settings, questions, s.store(), make_answer_matcher(config_.filter.match),
                       length_counter(s, settings));
  }

 private:
  std::vector<Task> group_tasks(const std::vector<QuestionRow>& questions) const {
    std::vector<Task> tasks;
    std::map<std::string, std::vector<const QuestionRow*>> members;
    for (const auto& q : questions) {
      if (!members.count(q.task)) tasks.push_back({q.task, &q, ""});
      members[q.task].push_back(&q);
    }
    for (auto& t : tasks) {
      const auto& list = members[t.name];
      std::string examples;
      size_t n = std::min(list.size(), static_cast<size_t>(config_.task_sd.examples));
      for (size_t i = 0; i < n; ++i)
        examples += (i ? "\n\n" : "") + std::string("Example ") + std::to_string(i + 1) + ":\n" +
                    list[i]->question;
      t.description = fill_template(description_, {{"task", t.name}, {"examples", examples}});
    }
    return tasks;
  }

  // SELECT -> ADAPT -> IMPLEMENT for every task, each stage one Generator call over the tasks.
  // The ReGenesis plan makes the requests (its templates, numbered guidelines); here they are
  // keyed under the anchor question with negative candidates.
  SynthesisCounts synthesize_structures(RunSession& s, const std::vector<Task>& tasks) {
    SynthesisCounts counts;
    int64_t total = 0;
    std::vector<StoredOutputs> done(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i) {
      for (auto& [key, record] : s.store().outputs_for(tasks[i].anchor->id, "main"))
        if (key.first < 0) done[i][{-key.first - 1, key.second}] = record;  // as candidates 0..
      total += 3 * config_.task_sd.structures;
      counts.already_done += static_cast<int64_t>(done[i].size());
    }
    Progress progress("task structures", total - counts.already_done);
    for (const std::string stage : {"select", "adapt", "implement"}) {
      std::vector<PendingRequest> pending;
      for (size_t i = 0; i < tasks.size(); ++i) {
        QuestionRow task_row = *tasks[i].anchor;
        task_row.question = tasks[i].description;
        for (auto& r : due_requests(plan_, stage, task_row, done[i])) {
          r.key.candidate = structure_candidate(r.key.candidate);
          pending.push_back(std::move(r));
        }
      }
      counts.requests_sent += static_cast<int64_t>(pending.size());
      s.runner().run(pending, config_.synthesis.sampling, &progress, [&](const OutputRecord& record) {
        for (size_t i = 0; i < tasks.size(); ++i)
          if (tasks[i].anchor->id == record.key.question_id)
            done[i][{-record.key.candidate - 1, record.key.stage}] = record;
      });
    }
    progress.finish();
    return counts;
  }

  RunConfig config_;
  PromptSet prompts_;
  std::string description_;
  ModePlan plan_;
};

}  // namespace

std::unique_ptr<Method> make_task_sd_method(const RunConfig& config, const PromptSet& prompts,
                                            const std::vector<QuestionRow>&) {
  return std::make_unique<TaskSdMethod>(config, prompts);
}

}  // namespace regenesis
