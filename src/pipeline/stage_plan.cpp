#include "pipeline/stage_plan.h"

#include "util/error.h"
#include "util/json.h"

namespace regenesis {

ModePlan main_plan(const RunConfig& config, const PromptSet& prompts) {
  ModePlan plan;
  plan.mode = "main";
  plan.selections = config.synthesis.selections;
  plan.select_list = prompts.seed_guidelines;
  int singletons = config.synthesis.singletons;
  int available = static_cast<int>(prompts.seed_guidelines.size());
  if (singletons < 0) singletons = available;
  if (singletons > available)
    fail("synthesis.singletons = ", singletons, " but the prompt set has only ", available,
         " seed guidelines");
  plan.singletons.assign(prompts.seed_guidelines.begin(), prompts.seed_guidelines.begin() + singletons);
  plan.select = prompts.select;
  plan.adapt = prompts.adapt;
  plan.implement = prompts.implement;
  plan.execute = prompts.execute;
  plan.sampling = config.synthesis.sampling;
  return plan;
}

ModePlan hint_plan(const RunConfig& config, const PromptSet& prompts) {
  ModePlan plan;
  plan.mode = "hint";
  plan.selections = config.rescue.selections;
  plan.select_list = prompts.hint_guidelines;
  plan.select = prompts.hint_select;
  plan.adapt = prompts.hint_adapt;
  plan.implement = prompts.hint_implement;
  plan.execute = prompts.hint_execute;
  plan.sampling = config.rescue.sampling;
  return plan;
}

std::string hint_answer(const QuestionRow& question) {
  if (question.answer_type == "choice") {
    Json choices = parse_json(question.choices_json, "question " + question.id + " choices");
    std::string prefix = "(" + question.answer + ")";
    for (const auto& choice : choices)
      if (choice.is_string() && choice.get<std::string>().rfind(prefix, 0) == 0)
        return choice.get<std::string>();
  }
  return question.answer;
}

namespace {

const std::string* find_text(const StoredOutputs& done, int candidate, const std::string& stage) {
  auto it = done.find({candidate, stage});
  return it == done.end() ? nullptr : &it->second.text;
}

}  // namespace

std::vector<PendingRequest> due_requests(const ModePlan& plan, const std::string& stage,
                                         const QuestionRow& question, const StoredOutputs& done) {
  std::vector<PendingRequest> due;
  const std::string answer = plan.mode == "hint" ? hint_answer(question) : "";
  for (int c = 0; c < plan.candidates(); ++c) {
    bool singleton = c >= plan.selections;
    if (find_text(done, c, stage)) continue;
    std::map<std::string, std::string> values = {{"question", question.question}};
    if (plan.mode == "hint") values["answer"] = answer;
    // The module text: the SELECT reply, or the raw guideline for a singleton.
    const std::string* module = singleton ? &plan.singletons[c - plan.selections]
                                          : find_text(done, c, "select");
    std::string templ;
    if (stage == "select") {
      if (singleton) continue;
      values["guidelines_numbered"] = numbered_guidelines(plan.select_list);
      values["guidelines"] = plain_guidelines(plan.select_list);
      templ = plan.select;
    } else {
      if (!module) continue;
      values["selected"] = *module;
      if (stage == "adapt") {
        templ = plan.adapt;
      } else {
        const std::string* adapted = find_text(done, c, "adapt");
        if (!adapted) continue;
        values["adapted"] = *adapted;
        if (stage == "implement") {
          templ = plan.implement;
        } else if (stage == "execute") {
          const std::string* structure = find_text(done, c, "implement");
          if (!structure) continue;
          values["structure"] = *structure;
          templ = plan.execute;
        } else {
          fail("internal: unknown stage ", stage);
        }
      }
    }
    PendingRequest request;
    request.key = {question.id, plan.mode, c, stage};
    request.user = fill_template(templ, values);
    // As in the official code, only EXECUTE prompts get "<---box--->" replaced, over the whole
    // prompt (so also inside the inserted structure).
    if (stage == "execute") request.user = replace_box_placeholder(std::move(request.user));
    if (stage == "execute") {
      PathRecord path;
      path.question_id = question.id;
      path.mode = plan.mode;
      path.candidate = c;
      if (singleton) path.guideline_index = c - plan.selections;
      path.module = *module;
      path.adapted = values["adapted"];
      path.structure = values["structure"];
      request.path = std::move(path);
    }
    due.push_back(std::move(request));
  }
  return due;
}

std::vector<PendingRequest> due_judge_requests(const PromptSet& prompts, const QuestionRow& question,
                                               const std::vector<PathRecord>& paths,
                                               const StoredOutputs& done) {
  std::vector<PendingRequest> due;
  for (const auto& path : paths) {
    if (find_text(done, path.candidate, "judge")) continue;
    PendingRequest request;
    request.key = {question.id, path.mode, path.candidate, "judge"};
    // The official check_results passes the raw ground truth as {truth}.
    request.user = fill_template(
        prompts.self_judge,
        {{"question", question.question}, {"path", path.path}, {"answer", question.answer}});
    due.push_back(std::move(request));
  }
  return due;
}

}  // namespace regenesis
