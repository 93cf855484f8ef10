// The whole loop through a scripted Generator: synthesize -> filter -> rescue -> export, with the
// hint kept out of the exported data.
#include <gtest/gtest.h>

#include "pipeline_fixture.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

const std::string kQ1Path = "Restating the task.\n\n1. Tom has 3 apples.\n\n2. He buys 4: 3 + 4 = 7.\n\n\\boxed{7}";
const std::string kQ2Rescued =
    "Given that the answer is 30, we work backwards.\n\n1. Each box has 6 eggs.\n\n2. Five boxes "
    "hold 6 * 5 = 30 eggs.\n\n\\boxed{30}";
const std::string kQ2Echo = "1. Without working out the solution: 30, we count.\n\n2. So \\boxed{30}";

std::unique_ptr<ScriptedGenerator> scenario_generator() {
  auto g = std::make_unique<ScriptedGenerator>();
  g->on("at last present your final answer", [](const GenerationRequest& r) {
    // Rescue EXECUTE: candidate 0 solves it with a preamble naming the hint, candidate 1 echoes
    // the hint prompt inside its steps.
    return r.id.find("/c0/") != std::string::npos ? kQ2Rescued : kQ2Echo;
  });
  g->on("Using the following reasoning structure", [](const GenerationRequest& r) {
    return ScriptedGenerator::user_text(r).find("Tom has 3 apples") != std::string::npos
               ? kQ1Path
               : std::string("1. Guess.\n\n2. Eleven.\n\n\\boxed{11}");
  });
  g->on("which of the following reasoning modules are relevant?", "4. break it down; 9. core issue");
  g->on("adapt the following", "Adapted: count the items.");
  g->on("create an actionable", "Step 1: count. Step 2: add.");
  return g;
}

RunConfig small_config() {
  RunConfig config;
  config.synthesis.selections = 2;
  config.synthesis.singletons = 2;
  config.rescue.selections = 2;
  return config;
}

TEST(RunSession, FullLoopRescuesAndExportsWithoutTheHint) {
  test::TempDir dir;
  auto h = test::make_session(dir, small_config(), test::two_questions(), scenario_generator());
  auto& session = *h.session;
  session.synthesize();
  auto main = session.filter("main");
  EXPECT_EQ(main.paths, 8);
  EXPECT_EQ(main.kept, 4);  // q1's four identical correct paths
  EXPECT_EQ(main.questions_solved, 1);
  EXPECT_EQ(main.failed_at["match"], 4);

  size_t before_rescue = h.generator->sent.size();
  auto rescue = session.rescue();
  EXPECT_EQ(rescue.unsolved, 1);
  EXPECT_EQ(rescue.synthesis.requests_sent, 2 + 2 * 3);  // 20 -> 2 selections, no singletons
  EXPECT_EQ(rescue.filter.kept, 1);
  EXPECT_EQ(rescue.filter.failed_at["hint_echo"], 1);

  // The rescue requests: hint prompts for q2 only, the hint script's sampling.
  const QuestionRow q2 = test::two_questions()[1];
  std::string hint_list = plain_guidelines(PromptSet::builtin().hint_guidelines);
  bool saw_select = false, saw_execute = false;
  for (size_t i = before_rescue; i < h.generator->sent.size(); ++i) {
    const auto& r = h.generator->sent[i];
    EXPECT_EQ(r.id.rfind("hint/q2/", 0), 0u) << r.id;
    EXPECT_DOUBLE_EQ(r.params.temperature, 0.85);
    EXPECT_DOUBLE_EQ(r.params.top_p, 0.9);
    EXPECT_TRUE(r.params.stop.empty());
    std::string user = ScriptedGenerator::user_text(r);
    if (r.id == "hint/q2/c1/select") {
      saw_select = true;
      EXPECT_EQ(user, "Given the task: " + q2.question +
                          ", which of the following reasoning modules are relevant? Do not elaborate "
                          "on why.\n\n" + hint_list);
    }
    if (r.id == "hint/q2/c1/adapt") {
      EXPECT_EQ(user, "Without working out the solution: 30, adapt the following reasoning modules to "
                      "be specific to our task:\n4. break it down; 9. core issue\n\nOur task:\n" +
                          q2.question);
    }
    if (r.id == "hint/q2/c1/implement") {
      EXPECT_EQ(user, "Without working out the solution: 30, create an actionable and concise "
                      "reasoning structure step by step for the task using these adapted reasoning "
                      "modules:\nAdapted: count the items.\n\nTask Description:\n" + q2.question + "\n");
    }
    if (r.id == "hint/q2/c0/execute") {
      saw_execute = true;
      EXPECT_EQ(user, "Using the following reasoning structure: Step 1: count. Step 2: add.\n\nTask: " +
                          q2.question +
                          "\n\nSolve this task step by step (less than 8 steps) based on the reasoning "
                          "structure, and at last present your final answer: \\boxed{30}. You must "
                          "present the solution in \\boxed{Your Answer}.");
    }
  }
  EXPECT_TRUE(saw_select);
  EXPECT_TRUE(saw_execute);

  auto options = session.export_options();
  auto exported = session.export_data(options);
  EXPECT_EQ(exported.rows, 2);
  EXPECT_EQ(exported.duplicates, 3);
  std::string text = read_file(options.out);
  std::vector<Json> lines;
  for (const auto& line : split(text, '\n'))
    if (!line.empty()) lines.push_back(parse_json(line, "export"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["messages"][0]["role"], "user");
  EXPECT_EQ(lines[0]["messages"][0]["content"],
            "Solve the following math problem step-by-step.\nPresent your final answer as "
            "\\boxed{Your Answer}.\n" + test::two_questions()[0].question);
  EXPECT_EQ(lines[0]["messages"][1]["role"], "assistant");
  EXPECT_EQ(lines[0]["messages"][1]["content"],
            "Let's think step by step.\n\n1. Tom has 3 apples.\n\n2. He buys 4: 3 + 4 = 7.\n\n\\boxed{7}");
  EXPECT_EQ(lines[0]["meta"]["question_id"], "q1");
  EXPECT_EQ(lines[0]["meta"]["stage"], "main");
  EXPECT_EQ(lines[0]["meta"]["task"], "gsm8k");
  EXPECT_EQ(lines[0]["meta"]["candidate"], 0);
  EXPECT_EQ(lines[0]["meta"]["guideline"], "4. break it down; 9. core issue");
  EXPECT_TRUE(lines[0]["meta"]["guideline_index"].is_null());
  EXPECT_EQ(lines[1]["meta"]["question_id"], "q2");
  EXPECT_EQ(lines[1]["meta"]["stage"], "rescue");
  EXPECT_EQ(lines[1]["messages"][1]["content"],
            "Let's think step by step.\n\n1. Each box has 6 eggs.\n\n2. Five boxes hold 6 * 5 = 30 "
            "eggs.\n\n\\boxed{30}");

  // No trace of the hint or of any stage prompt in the fine-tuning data.
  for (const char* forbidden :
       {"Without working out the solution", "at last present your final answer", "less than 8 steps",
        "You must present the solution in", "Given that the answer is", "\\boxed{30}. You must",
        "reasoning modules", "reasoning structure", "Do not elaborate", "Task Description"}) {
    EXPECT_EQ(text.find(forbidden), std::string::npos) << forbidden;
  }

  std::string table = session.summary_table(1.5, exported, options.out);
  EXPECT_NE(table.find("solved before rescue           1 / 2 (50.0%)"), std::string::npos) << table;
  EXPECT_NE(table.find("solved after rescue            2 / 2 (100.0%)"), std::string::npos) << table;
  EXPECT_NE(table.find("paths generated (rescue)       2"), std::string::npos) << table;
  EXPECT_NE(table.find("exported rows                  2 -> "), std::string::npos) << table;

  auto exports = session.store().exports();
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].rows, 2);
  EXPECT_EQ(exports[0].content_hash, exported.content_hash);
}

TEST(RunSession, ExportOptionsShapeTheOutput) {
  test::TempDir dir;
  auto h = test::make_session(dir, small_config(), test::two_questions(), scenario_generator());
  auto& session = *h.session;
  session.synthesize();
  session.filter("main");
  session.rescue();
  auto options = session.export_options();

  options.format = "alpaca";
  options.include_rescue = false;
  options.strip_braces = true;  // the released convert_format.py
  options.out = dir / "alpaca.jsonl";
  auto result = session.export_data(options);
  EXPECT_EQ(result.rows, 1);
  Json row = parse_json(split(read_file(options.out), '\n')[0], "alpaca");
  EXPECT_EQ(row["instruction"].get<std::string>().rfind("Solve the following math problem", 0), 0u);
  EXPECT_EQ(row["input"], "");
  EXPECT_EQ(row["output"], "Let's think step by step.\n\n1. Tom has 3 apples.\n\n2. He buys 4: 3 + 4 = 7.\n\n7");

  options.format = "chat";
  options.strip_braces = false;
  options.dedup = false;
  options.max_per_question = 2;
  options.include_rescue = true;
  options.prompt = "Q: {question}";
  options.out = dir / "nodedup.jsonl";
  result = session.export_data(options);
  EXPECT_EQ(result.rows, 3);    // q1 capped at 2 of its 4, q2 1
  EXPECT_EQ(result.capped, 2);
  Json first = parse_json(split(read_file(options.out), '\n')[0], "chat");
  EXPECT_EQ(first["messages"][0]["content"], "Q: " + test::two_questions()[0].question);
  EXPECT_EQ(strip_braces_quirk("\\boxed{\\frac{1}{2}} and {x}"), "\\frac{1{2 and {x");
}

TEST(RunSession, SelfJudgeGateGeneratesOncePerPathWithThePapersPrompt) {
  test::TempDir dir;
  RunConfig config = small_config();
  config.filter.self_judge = true;
  auto generator = std::make_unique<ScriptedGenerator>();
  // The judge prompt holds the whole path, so its rule comes first: "Yes" for candidate 0 only.
  generator->on("Do you think the solution is correct", [](const GenerationRequest& r) {
    return r.id.find("/c0/") != std::string::npos ? std::string("Yes, it is.") : std::string("No.");
  });
  generator->on("at last present your final answer", kQ2Echo);
  generator->on("Using the following reasoning structure", [](const GenerationRequest& r) {
    return ScriptedGenerator::user_text(r).find("Tom has 3 apples") != std::string::npos
               ? kQ1Path
               : std::string("1. Guess.\n\n2. Eleven.\n\n\\boxed{11}");
  });
  auto h = test::make_session(dir, config, test::two_questions(), std::move(generator));
  h.session->synthesize();
  size_t before = h.generator->sent.size();
  auto summary = h.session->filter("main");
  ASSERT_EQ(h.generator->sent.size(), before + 8);  // one judge request per path
  const QuestionRow q1 = test::two_questions()[0];
  bool saw = false;
  for (size_t i = before; i < h.generator->sent.size(); ++i) {
    const auto& r = h.generator->sent[i];
    EXPECT_EQ(r.id.substr(r.id.size() - 6), "/judge");
    if (r.id != "main/q1/c1/judge") continue;
    saw = true;
    EXPECT_EQ(ScriptedGenerator::user_text(r),
              "Given the question: " + q1.question + ", the solution given by the language model is: " +
                  kQ1Path + "\n\nThe correct answer is: 7.\n\nDo you think the solution is correct "
                  "(same with the correct answer)? Yes or No.");
    EXPECT_DOUBLE_EQ(r.params.temperature, 1.2);  // judged with the stage sampling, as released
  }
  EXPECT_TRUE(saw);
  EXPECT_EQ(summary.failed_at["judge"], 6);  // candidates 1-3 of both questions
  EXPECT_EQ(summary.kept, 1);                // q1 candidate 0; q2's candidate 0 is wrong
  EXPECT_EQ(h.session->store().output_counts()["main"]["judge"], 8);
  h.session->filter("main");  // reuses the stored judge replies
  EXPECT_EQ(h.generator->sent.size(), before + 8);
}

TEST(RunSession, HintAnswerOfAChoiceQuestionIsTheFullOption) {
  auto q = test::make_question("c1", "Pick one.", "B", 0, "choice", R"(["(A) red", "(B) blue"])");
  EXPECT_EQ(hint_answer(q), "(B) blue");
  EXPECT_EQ(hint_answer(test::two_questions()[0]), "7");
}

TEST(RunSession, FilterIsRepeatableAndReplacesVerdicts) {
  test::TempDir dir;
  auto h = test::make_session(dir, small_config(), test::two_questions(), scenario_generator());
  h.session->synthesize();
  auto first = h.session->filter("main");
  std::string dump = h.session->store().dump();
  auto second = h.session->filter("main");
  EXPECT_EQ(h.session->store().dump(), dump);  // no duplicated verdicts
  EXPECT_EQ(first.kept, second.kept);
  // q1: 4 paths x (boxed, match, length, rewrite, cap); q2: 4 paths x (boxed, match).
  EXPECT_EQ(h.session->store().verdicts("main").size(), 4u * 5u + 4u * 2u);
}

}  // namespace
}  // namespace regenesis
