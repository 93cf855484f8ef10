#pragma once
// Self-consistency voting (LMSI, Huang et al. 2022): the paths of a question vote with their
// extracted final answers; the answer with the most votes is the pseudo label.
//
// Answers are grouped in path order: an answer joins the first group whose first answer it is
// equivalent to (`same`, e.g. "7" and "7.0" for numbers), else starts a new group. Paths without
// an extracted answer do not vote. The largest group wins; a tie goes to the group whose first
// answer comes first (the lowest candidate index), so the outcome never depends on anything but
// the paths and their order.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace regenesis {

struct VoteOutcome {
  int winner = -1;          // the winning group, -1 when nobody voted
  std::string majority;     // the winning group's first answer
  int votes = 0;            // members of the winning group
  int voters = 0;           // paths with an answer
  std::vector<int> group;   // per path: its group, -1 when it has no answer
  bool agrees(size_t path) const { return winner >= 0 && group[path] == winner; }
};

using AnswerEquivalence = std::function<bool(const std::string& answer, const std::string& first)>;

VoteOutcome majority_vote(const std::vector<std::optional<std::string>>& answers,
                          const AnswerEquivalence& same);

}  // namespace regenesis
