// prompts/regenesis-prefix: the official sentences reordered so that the candidates of one question
// share everything before their own text, which the engine's prefix cache then computes once.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/prompt_set.h"
#include "test_support.h"

namespace regenesis {
namespace {

struct StageTemplate {
  const char* name;
  std::string PromptSet::*templ;
  const char* candidate;  // the placeholder holding the previous stage's reply
};

const StageTemplate kStages[] = {
    {"adapt", &PromptSet::adapt, "selected"},
    {"implement", &PromptSet::implement, "adapted"},
    {"execute", &PromptSet::execute, "structure"},
    {"hint_adapt", &PromptSet::hint_adapt, "selected"},
    {"hint_implement", &PromptSet::hint_implement, "adapted"},
    {"hint_execute", &PromptSet::hint_execute, "structure"},
};

std::string render(const PromptSet& set, const StageTemplate& stage, const std::string& candidate) {
  return replace_box_placeholder(fill_template(
      set.*stage.templ, {{"question", "Q: Tom has 3 apples. How many?"}, {"answer", "3"}, {stage.candidate, candidate}}));
}

size_t common_prefix(const std::string& a, const std::string& b) {
  return static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

TEST(PrefixPromptSet, CandidatesOfAQuestionShareAllButTheirOwnText) {
  const PromptSet set = PromptSet::builtin("regenesis-prefix");
  for (const StageTemplate& stage : kStages) {
    SCOPED_TRACE(stage.name);
    const std::string a = render(set, stage, "alpha"), b = render(set, stage, "omega");
    const size_t shared = common_prefix(a, b);
    EXPECT_EQ(a.substr(shared), "alpha");
    EXPECT_EQ(b.substr(shared), "omega");
    EXPECT_NE(a.find("Tom has 3 apples"), std::string::npos);
  }
}

TEST(PrefixPromptSet, TheOfficialSetSharesOnlyItsHeadWhichIsWhyThisOneExists) {
  const PromptSet set = PromptSet::builtin();
  for (const StageTemplate& stage : kStages) {
    SCOPED_TRACE(stage.name);
    const std::string a = render(set, stage, "alpha"), b = render(set, stage, "omega");
    EXPECT_LT(common_prefix(a, b), a.find("Tom has 3 apples"));
  }
}

TEST(PrefixPromptSet, EverythingElseIsTheOfficialSetAndTheDirectoryLoads) {
  const PromptSet prefix = PromptSet::builtin("regenesis-prefix"), official = PromptSet::builtin();
  EXPECT_EQ(prefix.seed_guidelines, official.seed_guidelines);
  EXPECT_EQ(prefix.hint_guidelines, official.hint_guidelines);
  EXPECT_EQ(prefix.system, official.system);
  EXPECT_EQ(prefix.select, official.select);
  EXPECT_EQ(prefix.hint_select, official.hint_select);
  EXPECT_EQ(prefix.self_judge, official.self_judge);
  EXPECT_EQ(prefix.train_prompt, official.train_prompt);
  EXPECT_NE(prefix.fingerprint(), official.fingerprint());
  // What a run config names with synthesis.prompts = "prompts/regenesis-prefix".
  const PromptSet from_dir = PromptSet::load_directory(test::source_dir() / "prompts" / "regenesis-prefix");
  EXPECT_EQ(from_dir.fingerprint(), prefix.fingerprint());
}

}  // namespace
}  // namespace regenesis
