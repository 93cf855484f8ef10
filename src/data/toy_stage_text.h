#pragma once
// What a good reply to each ReGenesis stage looks like in the toy world: a SELECT reply naming
// 2-3 fitting guidelines, ADAPT replies (one sentence per guideline, about this question), and an
// IMPLEMENT reply (a numbered plan). The toy corpus teaches these formats.
#include <string>
#include <vector>

#include "data/toy_problem.h"
#include "data/toy_random.h"

namespace regenesis {

// The role of each line of the toy prompt set's seed_guidelines.txt (prompts/toy), in order.
const std::vector<ToyRole>& toy_guideline_roles();
const char* toy_role_name(ToyRole role);

// 2-3 indices into `list_roles` whose roles are relevant to the problem, ascending.
std::vector<int> toy_pick_selection(const ToyBrief& brief, const std::vector<ToyRole>& list_roles, ToyRng& rng);

// The SELECT reply: "2. text\n4. text" (numbered, as the main SELECT list is shown) or the
// guideline texts one a line (the hint SELECT list is unnumbered).
std::string toy_select_reply(const std::vector<int>& indices, const std::vector<std::string>& guidelines,
                             bool numbered);

// The ADAPT reply: one sentence per role, each about this problem, one a line.
std::string toy_adapt_reply(const ToyBrief& brief, const std::vector<ToyRole>& roles);

// The IMPLEMENT reply: the problem's plan, numbered "1. ...", one step a line; with a Check role
// a checking step comes before the last one.
std::string toy_plan_reply(const ToyBrief& brief, const std::vector<ToyRole>& roles);

}  // namespace regenesis
