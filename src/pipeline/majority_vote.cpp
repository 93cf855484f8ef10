#include "pipeline/majority_vote.h"

namespace regenesis {

VoteOutcome majority_vote(const std::vector<std::optional<std::string>>& answers,
                          const AnswerEquivalence& same) {
  VoteOutcome out;
  out.group.assign(answers.size(), -1);
  std::vector<std::string> firsts;  // each group's first answer
  std::vector<int> sizes;
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i]) continue;
    ++out.voters;
    int g = 0;
    while (g < static_cast<int>(firsts.size()) && !same(*answers[i], firsts[g])) ++g;
    if (g == static_cast<int>(firsts.size())) {
      firsts.push_back(*answers[i]);
      sizes.push_back(0);
    }
    ++sizes[g];
    out.group[i] = g;
  }
  // Groups are numbered by first appearance, so the first strict maximum is the earliest one.
  for (int g = 0; g < static_cast<int>(sizes.size()); ++g)
    if (out.winner < 0 || sizes[g] > sizes[out.winner]) out.winner = g;
  if (out.winner >= 0) {
    out.majority = firsts[out.winner];
    out.votes = sizes[out.winner];
  }
  return out;
}

}  // namespace regenesis
