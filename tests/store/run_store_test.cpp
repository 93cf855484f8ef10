// The run store: round trips, unique keys, atomic filter results, the single-process lock and
// the canonical dump.
#include <gtest/gtest.h>

#include "store/run_store.h"
#include "store/sqlite_db.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

QuestionRow question(const std::string& id, int64_t ord, const std::string& answer = "7") {
  return {id, ord, "gsm8k", "Question " + id + "?", answer, "number", "[]", ""};
}

OutputRecord output(const std::string& qid, int candidate, const std::string& stage, std::string text) {
  OutputRecord r;
  r.key = {qid, "main", candidate, stage};
  r.text = std::move(text);
  r.prompt_tokens = 10;
  r.completion_tokens = 3;
  r.finish = "stop";
  r.seed = 18446744073709551615ull;  // the full uint64 range survives
  r.prompt_hash = "abc";
  return r;
}

TEST(RunStore, OutputsAndPathsRoundTrip) {
  test::TempDir dir;
  RunStore store(dir / "run.db");
  store.add_questions({question("q1", 0), question("q2", 1)});
  store.put_output(output("q1", 0, "select", "modules"));
  PathRecord path{"q1", "main", 0, std::nullopt, "modules", "adapted", "structure", "the path", ""};
  path.finish = "length";
  store.put_output(output("q1", 0, "execute", "the path"), &path);
  PathRecord singleton{"q1", "main", 3, 2, "guideline two", "a", "s", "p", "stop"};
  store.put_output(output("q1", 3, "execute", "p"), &singleton);

  auto outs = store.outputs_for("q1", "main");
  ASSERT_EQ(outs.size(), 3u);
  const auto& sel = outs.at({0, "select"});
  EXPECT_EQ(sel.text, "modules");
  EXPECT_EQ(sel.seed, 18446744073709551615ull);
  EXPECT_EQ(sel.prompt_tokens, 10);
  EXPECT_TRUE(store.outputs_for("q2", "main").empty());
  EXPECT_TRUE(store.outputs_for("q1", "hint").empty());

  auto paths = store.paths("main");
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].path, "the path");
  EXPECT_EQ(paths[0].finish, "length");
  EXPECT_FALSE(paths[0].guideline_index.has_value());
  EXPECT_EQ(paths[1].guideline_index, 2);
  EXPECT_EQ(store.output_counts()["main"]["execute"], 2);
  auto stats = store.stats("main");
  EXPECT_EQ(stats.outputs, 3);
  EXPECT_EQ(stats.paths, 2);
  EXPECT_EQ(stats.prompt_tokens, 30);
  EXPECT_EQ(stats.completion_tokens, 9);
}

TEST(RunStore, AKeyIsStoredOnceAndAFailedCommitLeavesNothing) {
  test::TempDir dir;
  RunStore store(dir / "run.db");
  store.add_questions({question("q1", 0)});
  store.put_output(output("q1", 0, "select", "first"));
  EXPECT_THROW(store.put_output(output("q1", 0, "select", "second")), Error);
  EXPECT_EQ(store.outputs_for("q1", "main").at({0, "select"}).text, "first");
  // An execute output whose path row fails (duplicate) is rolled back with it.
  PathRecord path{"q1", "main", 1, std::nullopt, "m", "a", "s", "p", "stop"};
  store.put_output(output("q1", 1, "execute", "p"), &path);
  EXPECT_THROW(store.put_output(output("q1", 1, "adapt", "x"), &path), Error);
  EXPECT_EQ(store.outputs_for("q1", "main").count({1, "adapt"}), 0u);
  // Unknown question, mode or stage are refused by the schema.
  EXPECT_THROW(store.put_output(output("nope", 0, "select", "x")), Error);
  auto bad = output("q1", 5, "summarize", "x");
  EXPECT_THROW(store.put_output(bad), Error);
}

TEST(RunStore, QuestionsKeepOrderAndRefuseChangedContent) {
  test::TempDir dir;
  RunStore store(dir / "run.db");
  EXPECT_EQ(store.add_questions({question("b", 0), question("a", 1)}), 2);
  EXPECT_EQ(store.add_questions({question("b", 0), question("a", 1), question("c", 2)}), 1);
  auto rows = store.questions();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "b");
  EXPECT_EQ(rows[2].id, "c");
  try {
    store.add_questions({question("a", 1, "8")});
    FAIL() << "changed content accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("question 'a'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.questions()[1].answer, "7");  // unchanged
  store.add_questions({question("a", 1, "8")}, /*replace=*/true);
  EXPECT_EQ(store.questions()[1].answer, "8");
}

TEST(RunStore, FilterResultsAreReplacedPerMode) {
  test::TempDir dir;
  RunStore store(dir / "run.db");
  store.add_questions({question("q1", 0)});
  store.replace_filter_results("main", {{"q1", "main", 0, "match", true, "7"}}, {{"q1", "main", 0, "kept"}});
  store.replace_filter_results("hint", {{"q1", "hint", 0, "match", false, ""}}, {});
  store.replace_filter_results("main", {{"q1", "main", 1, "boxed", false, ""}}, {});
  auto main = store.verdicts("main");
  ASSERT_EQ(main.size(), 1u);
  EXPECT_EQ(main[0].candidate, 1);
  EXPECT_TRUE(store.kept("main").empty());
  EXPECT_EQ(store.verdicts("hint").size(), 1u);
}

TEST(RunStore, OneProcessAtATime) {
  test::TempDir dir;
  RunStore first(dir / "run.db");
  try {
    RunStore second(dir / "run.db");
    FAIL() << "a second writer was allowed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another regenesis process"), std::string::npos);
  }
}

TEST(RunStore, MetaExportsAndPathResolution) {
  test::TempDir dir;
  {
    RunStore store(dir / "run.db");
    EXPECT_FALSE(store.meta("config").has_value());
    store.set_meta("config", "{}");
    store.set_meta("config", "{\"a\":1}");
    store.record_export({"/x/sft.jsonl", "chat", 3, "00ff"});
    auto id = store.begin_invocation("run", "{}");
    store.end_invocation(id, "ok");
  }
  EXPECT_EQ(store_path_for(dir.path()), dir / "run.db");
  EXPECT_EQ(store_path_for(dir / "run.db"), dir / "run.db");
  RunStore again(store_path_for(dir.path()), {false, true});
  EXPECT_EQ(again.meta("config"), "{\"a\":1}");
  EXPECT_EQ(again.exports().size(), 1u);
  EXPECT_EQ(again.meta("schema_version"), "1");
  EXPECT_THROW(RunStore(dir / "missing.db", {false, true}), Error);
}

TEST(RunStore, DumpIsCanonicalAndIgnoresHistory) {
  test::TempDir a, b;
  RunStore sa(a / "run.db"), sb(b / "run.db");
  sa.add_questions({question("q1", 0), question("q2", 1)});
  sb.add_questions({question("q2", 1), question("q1", 0)});
  sa.put_output(output("q1", 0, "select", "x"));
  sa.put_output(output("q2", 0, "select", "y"));
  sb.put_output(output("q2", 0, "select", "y"));
  sb.put_output(output("q1", 0, "select", "x"));
  sa.begin_invocation("run", "{}");  // history is not content
  sa.record_export({"/a/sft.jsonl", "chat", 0, "h"});
  sb.record_export({"/b/sft.jsonl", "chat", 0, "h"});
  EXPECT_EQ(sa.dump(), sb.dump());
  EXPECT_NE(sa.dump().find("outputs {\"question_id\":\"q1\""), std::string::npos) << sa.dump();
  sb.put_output(output("q1", 1, "select", "z"));
  EXPECT_NE(sa.dump(), sb.dump());
}

TEST(RunStore, NotADatabaseIsAClearError) {
  test::TempDir dir;
  write_file_atomic(dir / "run.db", "this is not sqlite, just text that is long enough to fail");
  try {
    RunStore store(dir / "run.db");
    FAIL() << "opened a text file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("run.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace regenesis
