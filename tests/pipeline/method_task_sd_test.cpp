// Task-level Self-Discover through the scripted Generator: SELECT/ADAPT/IMPLEMENT once per task
// on a description of its first questions, stored under the task's first question; EXECUTE per
// question with its task's structure; the same filter; resume after a crash.
#include <gtest/gtest.h>

#include "method_test_support.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

std::vector<QuestionRow> mixed_questions() {
  auto qs = test::two_questions();  // gsm8k
  QuestionRow q3 = test::make_question("q3", "Is a whale a fish?", "no", 2, "yesno");
  q3.task = "strategyqa";
  qs.push_back(q3);
  return qs;
}

std::unique_ptr<ScriptedGenerator> task_generator() {
  auto g = std::make_unique<ScriptedGenerator>();
  auto by_task = [](std::string prefix) {
    return [prefix](const GenerationRequest& r) {
      std::string user = ScriptedGenerator::user_text(r);
      return prefix + (user.find("strategyqa") != std::string::npos ? " strategyqa" : " gsm8k");
    };
  };
  g->on("which of the following reasoning modules are relevant?", by_task("SELECTED"));
  g->on("adapt the following", by_task("ADAPTED"));
  g->on("create an actionable", by_task("STRUCTURE"));
  g->on("Tom has 3 apples", "1. Count.\n\n2. 3 + 4 = 7.\n\n\\boxed{7}");
  g->on("6 eggs", "1. Count.\n\n2. Guess.\n\n\\boxed{11}");
  g->on("whale", "1. A whale is a mammal.\n\n2. So not a fish.\n\n\\boxed{no}");
  return g;
}

RunConfig task_config() {
  RunConfig config = RunConfig::defaults_for("task_sd");
  config.synthesis.paths = 2;
  config.task_sd.examples = 2;
  config.filter.max_path_tokens = 0;
  return config;
}

TEST(TaskSdMethod, OneStructurePerTaskThenEveryQuestionSolvedWithIt) {
  test::TempDir dir;
  const auto questions = mixed_questions();
  auto h = test::make_session(dir, task_config(), questions, task_generator());
  h.session->synthesize();
  const auto& g = *h.generator;
  // One call per task-level stage (two tasks), then one for the six paths.
  EXPECT_EQ(g.batch_sizes, (std::vector<size_t>{2, 2, 2, 6}));

  std::string numbered;
  const auto& guidelines = h.session->prompts().seed_guidelines;
  for (size_t i = 0; i < guidelines.size(); ++i) numbered += (i ? "\n" : "") + std::to_string(i) + ". " + guidelines[i];
  std::string gsm8k = "questions of the task \"gsm8k\", such as these examples:\n\nExample 1:\n" +
                      questions[0].question + "\n\nExample 2:\n" + questions[1].question;
  const auto* select = test::find_request(g, "main/q1/c-1/select");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(ScriptedGenerator::user_text(*select),
            "Given the task: " + gsm8k + ", which of the following reasoning modules are relevant?\n\n" +
                numbered + "\n\n Requirements: Do not elaborate on why. Only choose 2-3 reasoning "
                "modules. Do not solve this task.");
  const auto* implement = test::find_request(g, "main/q3/c-1/implement");
  ASSERT_NE(implement, nullptr);
  EXPECT_EQ(ScriptedGenerator::user_text(*implement),
            "Without working out the full solution, create an actionable and concise reasoning "
            "structure step by step for the task using the adapted reasoning module:\nADAPTED "
            "strategyqa\n\nTask Description:\nquestions of the task \"strategyqa\", such as these "
            "examples:\n\nExample 1:\nIs a whale a fish?\n\nNote: You will not work out the full "
            "solution and only create an actionable and concise reasoning structure for the task "
            "using the adapted reasoning module.");
  EXPECT_EQ(test::find_request(g, "main/q2/c-1/select"), nullptr);  // not per question

  const auto* execute = test::find_request(g, "main/q2/c1/execute");
  ASSERT_NE(execute, nullptr);
  EXPECT_EQ(ScriptedGenerator::user_text(*execute),
            "Using the following reasoning structure: STRUCTURE gsm8k\n\nSolve this task step by "
            "step based on the given reasoning structure, and present your final answer as "
            "\\boxed{Your Answer}.: " + questions[1].question);

  auto paths = h.session->store().paths("main");
  ASSERT_EQ(paths.size(), 6u);
  EXPECT_EQ(paths[4].question_id, "q3");
  EXPECT_EQ(paths[4].module, "SELECTED strategyqa");
  EXPECT_EQ(paths[4].structure, "STRUCTURE strategyqa");
  EXPECT_EQ(paths[0].adapted, "ADAPTED gsm8k");

  auto summary = h.session->filter("main");
  EXPECT_EQ(summary.kept, 4);  // q1 and q3, both paths; rewritten as ReGenesis's
  EXPECT_EQ(h.session->store().kept("main")[0].text, "Let's think step by step.\n\n1. Count.\n\n2. 3 + 4 = 7.\n\n\\boxed{7}");
  EXPECT_FALSE(h.session->method().has_rescue());

  // Exported: one row per distinct path, the task's SELECT reply as the row's guideline.
  auto options = h.session->export_options();
  auto exported = h.session->export_data(options);
  EXPECT_EQ(exported.duplicates, 2);
  auto rows = test::read_rows(options.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["meta"]["question_id"], "q1");
  EXPECT_EQ(rows[0]["meta"]["guideline"], "SELECTED gsm8k");
  EXPECT_TRUE(rows[0]["meta"]["guideline_index"].is_null());
  EXPECT_EQ(rows[1]["meta"]["question_id"], "q3");
  EXPECT_EQ(rows[1]["messages"][0]["content"], test::kQuestionPrefix + "Is a whale a fish?");
  EXPECT_EQ(rows[1]["messages"][1]["content"],
            "Let's think step by step.\n\n1. A whale is a mammal.\n\n2. So not a fish.\n\n\\boxed{no}");
}

TEST(TaskSdMethod, ResumesAfterACrashInTheTaskStagesToTheSameStore) {
  test::TempDir reference_dir;
  auto reference = test::make_session(reference_dir, task_config(), mixed_questions(), task_generator());
  reference.session->synthesize();
  test::TempDir dir;
  {
    auto crashing = task_generator();
    crashing->fail_after = 3;  // in the ADAPT call
    auto h = test::make_session(dir, task_config(), mixed_questions(), std::move(crashing));
    EXPECT_THROW(h.session->synthesize(), Error);
  }
  auto resumed = test::make_session(dir, task_config(), mixed_questions(), task_generator());
  auto counts = resumed.session->synthesize();
  EXPECT_EQ(counts.already_done, 3);
  EXPECT_EQ(counts.requests_sent, 12 - 3);
  EXPECT_EQ(resumed.session->store().dump(), reference.session->store().dump());
}

}  // namespace
}  // namespace regenesis
