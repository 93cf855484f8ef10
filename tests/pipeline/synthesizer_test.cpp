// Stages 1-3 through a scripted Generator: the exact prompts sent (PAPER.md strings), the 20 + 25
// candidate scheme, the records stored, per-request seeds, and resume after a crash.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pipeline/hashing.h"
#include "pipeline_fixture.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

const char* kSystem = "You are a helpful, respectful and honest assistant.";

// Replies that carry the request's seed, so stores from different runs are equal only when the
// same seeds were used for the same keys.
std::unique_ptr<ScriptedGenerator> stage_generator() {
  auto g = std::make_unique<ScriptedGenerator>();
  auto with_seed = [](std::string text) {
    return [text](const GenerationRequest& r) { return text + " #" + std::to_string(r.params.seed % 1000); };
  };
  g->on("which of the following reasoning modules are relevant?", with_seed("SELECTED 4, 9"));
  g->on("adapt the following", with_seed("ADAPTED"));
  g->on("create an actionable", with_seed("STRUCTURE"));
  g->on("Using the following reasoning structure", with_seed("PATH"));
  return g;
}

const GenerationRequest* find_request(const ScriptedGenerator& g, const std::string& id) {
  for (const auto& r : g.sent)
    if (r.id == id) return &r;
  return nullptr;
}

TEST(Synthesizer, MainStagesSendThePapersPromptsForTwentyPlusTwentyFiveCandidates) {
  test::TempDir dir;
  RunConfig config;
  auto questions = test::two_questions();
  auto h = test::make_session(dir, config, questions, stage_generator());
  auto counts = h.session->synthesize();
  const auto& g = *h.generator;

  // One Generator call per stage for the chunk: 2 x 20 selects, then 2 x 45 per later stage.
  EXPECT_EQ(g.batch_sizes, (std::vector<size_t>{40, 90, 90, 90}));
  EXPECT_EQ(counts.requests_sent, 310);
  const std::string q1 = questions[0].question;

  const auto* select = find_request(g, "main/q1/c0/select");
  ASSERT_NE(select, nullptr);
  ASSERT_FALSE(select->prompt.has_value());  // chat_template "" -> messages for the backend
  ASSERT_EQ(select->messages.size(), 2u);
  EXPECT_EQ(select->messages[0].role, "system");
  EXPECT_EQ(select->messages[0].content, kSystem);
  EXPECT_EQ(select->messages[1].role, "user");
  std::string numbered;
  const auto& guidelines = h.session->prompts().seed_guidelines;
  for (size_t i = 0; i < guidelines.size(); ++i)
    numbered += (i ? "\n" : "") + std::to_string(i) + ". " + guidelines[i];
  EXPECT_EQ(select->messages[1].content,
            "Given the task: " + q1 + ", which of the following reasoning modules are relevant?\n\n" +
                numbered +
                "\n\n Requirements: Do not elaborate on why. Only choose 2-3 reasoning modules. Do "
                "not solve this task.");
  EXPECT_EQ(numbered.rfind("0. How could I devise an experiment to help solve that problem?\n1. Make", 0), 0u);

  // Singletons (candidates 20..44) skip SELECT and adapt the raw guideline, unnumbered.
  EXPECT_EQ(find_request(g, "main/q1/c20/select"), nullptr);
  const auto* adapt43 = find_request(g, "main/q1/c43/adapt");
  ASSERT_NE(adapt43, nullptr);
  EXPECT_EQ(adapt43->messages[1].content,
            "Without working out the full solution, adapt the following general modules to be "
            "specific and concise to our task:\nLet\xE2\x80\x99s imagine the current best solution is "
            "totally wrong, what other ways are there to think about the problem specification?\n\n"
            "Our task:\n" + q1 + ".\n\nNote: You will not work out the full solution and only adapt "
            "the general module to be specific in one or two sentences.");

  // Each stage feeds the reply of the one before, unparsed.
  std::string sel_reply = "SELECTED 4, 9 #" + std::to_string(request_seed(0, "main/q1/c3/select") % 1000);
  EXPECT_NE(find_request(g, "main/q1/c3/adapt")->messages[1].content.find("task:\n" + sel_reply + "\n\n"),
            std::string::npos);
  std::string adapted = "ADAPTED #" + std::to_string(request_seed(0, "main/q1/c3/adapt") % 1000);
  EXPECT_EQ(find_request(g, "main/q1/c3/implement")->messages[1].content,
            "Without working out the full solution, create an actionable and concise reasoning "
            "structure step by step for the task using the adapted reasoning module:\n" + adapted +
                "\n\nTask Description:\n" + q1 +
                "\n\nNote: You will not work out the full solution and only create an actionable "
                "and concise reasoning structure for the task using the adapted reasoning module.");
  std::string structure = "STRUCTURE #" + std::to_string(request_seed(0, "main/q1/c3/implement") % 1000);
  EXPECT_EQ(find_request(g, "main/q1/c3/execute")->messages[1].content,
            "Using the following reasoning structure: " + structure +
                "\n\nSolve this task step by step based on the given reasoning structure, and "
                "present your final answer as \\boxed{Your Answer}.: " + q1);

  // Sampling: the main script's settings, a seed per request key.
  std::set<uint64_t> seeds;
  for (const auto& r : g.sent) {
    EXPECT_DOUBLE_EQ(r.params.temperature, 1.2);
    EXPECT_DOUBLE_EQ(r.params.top_p, 0.9);
    EXPECT_EQ(r.params.max_tokens, 2048);
    EXPECT_EQ(r.params.stop, (std::vector<std::string>{"</s>", "[/INST]"}));
    EXPECT_EQ(r.params.n, 1);
    EXPECT_EQ(r.params.seed, request_seed(0, r.id));
    seeds.insert(r.params.seed);
  }
  EXPECT_EQ(seeds.size(), g.sent.size());

  // Stored: every output and one path row per candidate.
  RunStore& store = h.session->store();
  EXPECT_EQ(store.outputs_for("q1", "main").size(), 20u + 45u * 3u);
  auto paths = store.paths("main");
  ASSERT_EQ(paths.size(), 90u);
  const PathRecord* p43 = nullptr;
  for (const auto& p : paths)
    if (p.question_id == "q1" && p.candidate == 43) p43 = &p;
  ASSERT_NE(p43, nullptr);
  EXPECT_EQ(p43->guideline_index, 23);
  EXPECT_EQ(p43->module, guidelines[23]);
  EXPECT_EQ(p43->path.rfind("PATH #", 0), 0u);
  EXPECT_EQ(p43->finish, "stop");
  EXPECT_EQ(paths.front().candidate, 0);
  EXPECT_FALSE(paths.front().guideline_index.has_value());
  EXPECT_EQ(paths.front().module.rfind("SELECTED 4, 9", 0), 0u);
}

TEST(Synthesizer, PaperChatTemplateSendsTheRenderedFastChatPrompt) {
  test::TempDir dir;
  RunConfig config;
  config.synthesis.chat_template = "paper-llama-3";
  config.synthesis.selections = 1;
  config.synthesis.singletons = 0;
  auto h = test::make_session(dir, config, {test::two_questions()[0]}, stage_generator());
  h.session->synthesize();
  const auto* select = find_request(*h.generator, "main/q1/c0/select");
  ASSERT_NE(select, nullptr);
  ASSERT_TRUE(select->prompt.has_value());
  EXPECT_TRUE(select->messages.empty());
  std::string user = "Given the task: " + test::two_questions()[0].question;
  // PAPER.md section 2.4, "llama-3".
  std::string expected_start =
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful, "
      "respectful and honest assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n" + user;
  EXPECT_EQ(select->prompt->substr(0, expected_start.size()), expected_start);
  std::string expected_end =
      "Do not solve this task.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
  EXPECT_EQ(select->prompt->substr(select->prompt->size() - expected_end.size()), expected_end);
}

std::set<std::tuple<std::string, std::string, uint64_t>> request_set(const ScriptedGenerator& g) {
  std::set<std::tuple<std::string, std::string, uint64_t>> out;
  for (const auto& r : g.sent) out.insert({r.id, ScriptedGenerator::user_text(r), r.params.seed});
  return out;
}

TEST(Synthesizer, ChunkingChangesBatchesButNotRequests) {
  RunConfig config;
  config.synthesis.selections = 2;
  config.synthesis.singletons = 3;
  test::TempDir a, b;
  config.synthesis.chunk_questions = 8;
  auto ha = test::make_session(a, config, test::two_questions(), stage_generator());
  ha.session->synthesize();
  config.synthesis.chunk_questions = 1;
  auto hb = test::make_session(b, config, test::two_questions(), stage_generator());
  hb.session->synthesize();
  EXPECT_EQ(ha.generator->batch_sizes, (std::vector<size_t>{4, 10, 10, 10}));
  EXPECT_EQ(hb.generator->batch_sizes, (std::vector<size_t>{2, 5, 5, 5, 2, 5, 5, 5}));
  EXPECT_EQ(request_set(*ha.generator), request_set(*hb.generator));
  EXPECT_EQ(ha.session->store().dump(), hb.session->store().dump());
}

TEST(Synthesizer, ResumeAfterACrashSendsOnlyWhatIsMissing) {
  RunConfig config;
  config.synthesis.selections = 3;
  config.synthesis.singletons = 4;
  const int total = 2 * (3 + 7 * 3);  // 48 outputs

  test::TempDir reference_dir;
  auto reference = test::make_session(reference_dir, config, test::two_questions(), stage_generator());
  reference.session->synthesize();
  EXPECT_EQ(static_cast<int>(reference.generator->sent.size()), total);

  test::TempDir dir;
  {
    auto crashing = stage_generator();
    crashing->fail_after = 17;  // dies in the middle of the ADAPT batch
    auto h = test::make_session(dir, config, test::two_questions(), std::move(crashing));
    EXPECT_THROW(h.session->synthesize(), Error);
    auto counts = h.session->store().output_counts();
    EXPECT_EQ(counts["main"]["select"] + counts["main"]["adapt"], 17);
  }
  auto resumed = test::make_session(dir, config, test::two_questions(), stage_generator());
  auto counts = resumed.session->synthesize();
  EXPECT_EQ(counts.already_done, 17);
  EXPECT_EQ(counts.requests_sent, total - 17);
  // Nothing sent twice, nothing missing: the store equals the uninterrupted run's.
  std::set<std::string> ids;
  for (const auto& r : resumed.generator->sent) EXPECT_TRUE(ids.insert(r.id).second) << r.id;
  EXPECT_EQ(resumed.session->store().dump(), reference.session->store().dump());

  // A third run has nothing left to do.
  resumed.session.reset();  // releases the store's lock
  auto again = test::make_session(dir, config, test::two_questions(), stage_generator());
  EXPECT_EQ(again.session->synthesize().requests_sent, 0);
  EXPECT_TRUE(again.generator->sent.empty());
}

}  // namespace
}  // namespace regenesis
