#include "data/toy_stage_text.h"

#include <algorithm>

namespace regenesis {

const std::vector<ToyRole>& toy_guideline_roles() {
  // prompts/toy/seed_guidelines.txt, line by line (tests check the file against these roles).
  static const std::vector<ToyRole> roles = {ToyRole::Goal,    ToyRole::Facts, ToyRole::Steps,
                                             ToyRole::Running, ToyRole::Compare, ToyRole::Clues,
                                             ToyRole::Check,   ToyRole::Restart};
  return roles;
}

const char* toy_role_name(ToyRole role) {
  switch (role) {
    case ToyRole::Goal: return "goal";
    case ToyRole::Facts: return "facts";
    case ToyRole::Steps: return "steps";
    case ToyRole::Running: return "running";
    case ToyRole::Compare: return "compare";
    case ToyRole::Clues: return "clues";
    case ToyRole::Check: return "check";
    case ToyRole::Restart: return "restart";
  }
  return "";
}

std::vector<int> toy_pick_selection(const ToyBrief& brief, const std::vector<ToyRole>& list_roles, ToyRng& rng) {
  std::vector<int> fitting;
  for (size_t i = 0; i < list_roles.size(); ++i)
    if (std::find(brief.relevant.begin(), brief.relevant.end(), list_roles[i]) != brief.relevant.end())
      fitting.push_back(static_cast<int>(i));
  rng.shuffle(fitting);
  const int count = std::min<int>(static_cast<int>(fitting.size()), rng.uniform(2, 3));
  fitting.resize(static_cast<size_t>(count));
  std::sort(fitting.begin(), fitting.end());
  return fitting;
}

std::string toy_select_reply(const std::vector<int>& indices, const std::vector<std::string>& guidelines,
                             bool numbered) {
  std::string out;
  for (int index : indices) {
    if (!out.empty()) out += '\n';
    if (numbered) out += std::to_string(index) + ". ";
    out += guidelines[static_cast<size_t>(index)];
  }
  return out;
}

namespace {

std::string adapted_sentence(const ToyBrief& b, ToyRole role) {
  switch (role) {
    case ToyRole::Goal: return "Find " + b.goal + ".";
    case ToyRole::Facts: return "Write down what we know: " + b.facts + ".";
    case ToyRole::Steps: return "Break the task into small steps: " + b.steps + ".";
    case ToyRole::Running: return "Keep track of " + b.running + ".";
    case ToyRole::Compare: return "Compare " + b.compare + ".";
    case ToyRole::Clues: return "Use the facts one by one: " + b.clues + ".";
    case ToyRole::Check: return "Check " + b.check + " before going on.";
    case ToyRole::Restart: return "If a result looks wrong, find " + b.goal + " again with a new plan.";
  }
  return "";
}

}  // namespace

std::string toy_adapt_reply(const ToyBrief& brief, const std::vector<ToyRole>& roles) {
  std::string out;
  for (ToyRole role : roles) {
    if (!out.empty()) out += '\n';
    out += adapted_sentence(brief, role);
  }
  return out;
}

std::string toy_plan_reply(const ToyBrief& brief, const std::vector<ToyRole>& roles) {
  std::vector<std::string> lines = brief.plan;
  if (std::find(roles.begin(), roles.end(), ToyRole::Check) != roles.end() && !lines.empty())
    lines.insert(lines.end() - 1, "Check each result before going on.");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += std::to_string(i + 1) + ". " + lines[i];
  }
  return out;
}

}  // namespace regenesis
