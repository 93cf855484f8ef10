#pragma once
// Which requests each ReGenesis stage sends, as a pure function of the question, the prompt set
// and what the store already holds (so a resumed run sends exactly the missing ones).
//
// Candidates of a question: 0..selections-1 come from SELECT samples; selections..+singletons-1
// are the raw seed guidelines, unnumbered, that skip SELECT (the official 20 + 25 scheme).
// Stages run in order select -> adapt -> implement -> execute; a candidate's stage is due once
// its previous stage is stored and it has no output of its own yet.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/prompt_set.h"
#include "pipeline/run_config.h"
#include "store/records.h"
#include "text/chat_message.h"

namespace regenesis {

inline const std::vector<std::string> kSynthesisStages = {"select", "adapt", "implement",
                                                          "execute"};

struct ModePlan {
  std::string mode;  // "main" or "hint"
  int selections = 0;
  std::vector<std::string> select_list;  // guidelines offered to SELECT
  std::vector<std::string> singletons;   // raw guidelines used as candidates
  std::string select, adapt, implement, execute;  // templates
  SamplingConfig sampling;
  int candidates() const { return selections + static_cast<int>(singletons.size()); }
  // Outputs one question needs when complete (SELECT only for the selection candidates).
  int outputs_per_question() const { return selections + 3 * candidates(); }
};

ModePlan main_plan(const RunConfig& config, const PromptSet& prompts);
ModePlan hint_plan(const RunConfig& config, const PromptSet& prompts);

// A request to send: the key it will be stored under and the filled user turn.
struct PendingRequest {
  OutputKey key;
  std::string user;
  std::optional<PathRecord> path;  // execute: the path row, completed with the reply
  // Turns between the system message and `user` (few-shot examples as user/assistant pairs);
  // empty for the ReGenesis stages.
  std::vector<ChatMessage> history;
};

using StoredOutputs = std::map<std::pair<int, std::string>, OutputRecord>;

// The gold answer as the hint prompts and the self-judge show it: the answer text, or for a
// choice question the full "(B) option" string when the choices list has it.
std::string hint_answer(const QuestionRow& question);

std::vector<PendingRequest> due_requests(const ModePlan& plan, const std::string& stage,
                                         const QuestionRow& question, const StoredOutputs& done);

// Self-judge requests for every path of `paths` that has no stored judge output.
std::vector<PendingRequest> due_judge_requests(const PromptSet& prompts, const QuestionRow& question,
                                               const std::vector<PathRecord>& paths,
                                               const StoredOutputs& done);

}  // namespace regenesis
