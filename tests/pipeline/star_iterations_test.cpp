// STaR's outer loop with a recording trainer hook and scripted samplers that "know" more after
// each training: every round samples from the model trained on the previous round's data, every
// training starts from the base model, and a rerun resumes without training or sampling twice.
#include <gtest/gtest.h>

#include "method_test_support.h"
#include "pipeline/star_iterations.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

// A sampler whose model solves q1 from the start and q2 once trained (any model-N directory).
std::unique_ptr<Generator> sampler_for(const RunConfig& config, std::vector<std::string>* models,
                                       int* requests, bool knows_nothing = false) {
  models->push_back(config.model.path);
  bool trained = config.model.path.find("model-") != std::string::npos;
  auto g = std::make_unique<ScriptedGenerator>();
  auto answer = [requests, trained, knows_nothing](std::string right, std::string wrong, bool needs_training) {
    return [=](const GenerationRequest& r) {
      ++*requests;
      bool solves = !knows_nothing && (!needs_training || trained);
      // The candidate makes each path distinct, so the export keeps them all.
      std::string c = r.id.substr(r.id.find("/c") + 2, 1);
      return "Path " + c + ": " + (solves ? right : wrong);
    };
  };
  g->on("Tom has 3 apples", answer("3 + 4 = \\boxed{7}", "\\boxed{8}", false));
  g->on("6 eggs", answer("6 * 5 = \\boxed{30}", "\\boxed{11}", true));
  return g;
}

struct Loop {
  test::TempDir dir;
  std::vector<TrainRequest> trainings;
  std::vector<std::string> models;  // the model path of every sampler made
  int requests = 0;

  RunConfig config(int iterations, bool accumulate = false) {
    auto questions = dir / "questions.jsonl";
    write_file_atomic(questions,
                      "{\"id\":\"q1\",\"question\":\"Tom has 3 apples and buys 4 more. How many?\",\"answer\":\"7\",\"answer_type\":\"number\",\"task\":\"gsm8k\"}\n"
                      "{\"id\":\"q2\",\"question\":\"A box holds 6 eggs. How many in 5 boxes?\",\"answer\":\"30\",\"answer_type\":\"number\",\"task\":\"gsm8k\"}\n");
    RunConfig c = RunConfig::defaults_for("star");
    c.run.dir = (dir / "run").string();
    c.model.path = "/models/base";
    c.data.questions = questions.string();
    c.synthesis.paths = 2;
    c.rescue.enabled = false;
    c.filter.max_path_tokens = 0;
    c.star.iterations = iterations;
    c.star.accumulate = accumulate;
    return c;
  }

  StarLoop loop(bool knows_nothing = false) {
    StarLoop l;
    l.train = [this](const TrainRequest& r) {
      trainings.push_back(r);
      std::filesystem::create_directories(r.out_dir / "merged");
      return r.out_dir / "merged";
    };
    l.generator = [this, knows_nothing](const RunConfig& c) { return sampler_for(c, &models, &requests, knows_nothing); };
    return l;
  }
};

TEST(StarIterations, EachRoundSamplesFromTheModelTrainedFromBaseOnThePreviousRound) {
  Loop t;
  RunConfig config = t.config(3);
  auto outcome = run_star_iterations(config, {"run", false, true, ""}, t.loop());
  const auto run = t.dir / "run";
  ASSERT_EQ(outcome.rounds.size(), 3u);
  EXPECT_EQ(t.models, (std::vector<std::string>{"/models/base", (run / "model-1" / "merged").string(),
                                                (run / "model-2" / "merged").string()}));
  ASSERT_EQ(t.trainings.size(), 2u);  // between rounds only
  EXPECT_EQ(t.trainings[0].iteration, 1);
  EXPECT_EQ(t.trainings[0].base_model, "/models/base");
  EXPECT_EQ(t.trainings[0].data, run / "sft.jsonl");
  EXPECT_EQ(t.trainings[0].out_dir, run / "model-1");
  EXPECT_EQ(t.trainings[1].base_model, "/models/base");  // STaR restarts from the base model
  EXPECT_EQ(t.trainings[1].data, run / "iter-2" / "sft.jsonl");
  // Round 1 solved q1 only (2 rows); the trained samplers solve both (4 rows).
  EXPECT_EQ(outcome.rounds[0].rows, 2);
  EXPECT_EQ(outcome.rounds[1].rows, 4);
  EXPECT_EQ(outcome.rounds[2].rows, 4);
  EXPECT_EQ(outcome.final_data, run / "star-final.jsonl");
  EXPECT_EQ(outcome.final_rows, 4);
  auto rows = test::read_rows(outcome.final_data);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3]["meta"]["question_id"], "q2");
  EXPECT_EQ(rows[3]["meta"]["star_round"], 3);  // the last round's data
  EXPECT_TRUE(std::filesystem::exists(run / "iter-3" / "run.db"));
  {
    RunStore top(run / "run.db", {false, true});
    auto recorded = recorded_star_rounds(top);
    ASSERT_EQ(recorded.size(), 3u);
    EXPECT_EQ(recorded[2].sampled_from, run / "model-2" / "merged");
    EXPECT_EQ(recorded[1].trained_model, run / "model-2" / "merged");
  }

  // A rerun finds everything done: no training, no sampling, the same training set.
  int requests_before = t.requests;
  auto again = run_star_iterations(config, {"run", false, true, ""}, t.loop());
  EXPECT_EQ(t.trainings.size(), 2u);
  EXPECT_EQ(t.requests, requests_before);
  EXPECT_EQ(again.final_rows, 4);
  EXPECT_EQ(read_file(again.final_data), read_file(outcome.final_data));

  // Other trainer settings would make other samplers than the ones later rounds came from.
  config.train = Json{{"epochs", 2}};
  try {
    run_star_iterations(config, {"run", false, true, ""}, t.loop());
    FAIL() << "changed [train] settings were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the [train] settings of round 1 changed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(t.trainings.size(), 2u);
}

TEST(StarIterations, AccumulateTrainsOnEveryRoundSoFar) {
  Loop t;
  auto outcome = run_star_iterations(t.config(2, true), {"run", false, true, ""}, t.loop());
  const auto run = t.dir / "run";
  ASSERT_EQ(t.trainings.size(), 1u);
  EXPECT_EQ(t.trainings[0].data, run / "sft.jsonl");  // round 1: nothing to add yet
  // The final set: round 1's two q1 rows and round 2's four rows, q1's repeated rows once.
  EXPECT_EQ(outcome.final_rows, 4);
  auto rows = test::read_rows(outcome.final_data);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["meta"]["star_round"], 1);
  EXPECT_EQ(rows[2]["meta"]["star_round"], 2);
  EXPECT_EQ(rows[2]["meta"]["question_id"], "q2");
}

TEST(StarIterations, ARoundWithNoDataEndsTheLoopWithoutTraining) {
  Loop t;
  auto outcome = run_star_iterations(t.config(3), {"run", false, true, ""}, t.loop(true));
  EXPECT_EQ(outcome.rounds.size(), 1u);
  EXPECT_TRUE(t.trainings.empty());
  EXPECT_EQ(outcome.final_rows, 0);
}

TEST(StarIterations, OnlyForStarAndOnlyWithATrainer) {
  Loop t;
  RunConfig config = t.config(2);
  StarLoop no_trainer = t.loop();
  no_trainer.train = nullptr;
  EXPECT_THROW(run_star_iterations(config, {"run", false, true, ""}, no_trainer), Error);
  config.method = "lmsi";
  EXPECT_THROW(run_star_iterations(config, {"run", false, true, ""}, t.loop()), Error);
}

}  // namespace
}  // namespace regenesis
