// `regenesis toy generate` and `regenesis toy corpus`, run as a user would. The corpus's prompts
// are checked byte for byte against the prompt files of prompts/toy (matched here, independently
// of the pipeline's renderer).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "test_support.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using test::run_regenesis;

std::vector<Json> read_jsonl(const std::filesystem::path& path) {
  std::vector<Json> out;
  for (const auto& line : split(read_file(path), '\n'))
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

std::string prompt_file(const std::string& name) {
  std::string text = read_file(test::source_dir() / "prompts" / "toy" / name);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Matches `text` against a template: fixed text byte for byte, each `{name}` (a known
// placeholder) captures what stands between the fixed pieces around it.
std::optional<std::map<std::string, std::string>> match_template(const std::string& templ, const std::string& text) {
  static const std::set<std::string> known = {"question", "guidelines_numbered", "guidelines", "selected",
                                              "adapted",  "structure",           "answer",     "path"};
  struct Piece {
    bool placeholder;
    std::string text;
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < templ.size();) {
    const size_t close = templ[i] == '{' ? templ.find('}', i) : std::string::npos;
    if (close != std::string::npos && known.count(templ.substr(i + 1, close - i - 1))) {
      pieces.push_back({true, templ.substr(i + 1, close - i - 1)});
      i = close + 1;
      continue;
    }
    if (pieces.empty() || pieces.back().placeholder) pieces.push_back({false, ""});
    pieces.back().text += templ[i++];
  }
  std::map<std::string, std::string> captured;
  size_t pos = 0;
  for (size_t k = 0; k < pieces.size(); ++k) {
    if (!pieces[k].placeholder) {
      if (text.compare(pos, pieces[k].text.size(), pieces[k].text) != 0) return std::nullopt;
      pos += pieces[k].text.size();
      continue;
    }
    size_t end = text.size();
    if (k + 1 < pieces.size()) {
      end = text.find(pieces[k + 1].text, pos);
      if (end == std::string::npos) return std::nullopt;
    }
    auto [it, fresh] = captured.emplace(pieces[k].text, text.substr(pos, end - pos));
    if (!fresh && it->second != text.substr(pos, end - pos)) return std::nullopt;
    pos = end;
  }
  if (pos != text.size()) return std::nullopt;
  return captured;
}

TEST(ToyCli, GenerateWritesBalancedDeterministicQuestionSets) {
  test::TempDir dir;
  auto r = run_regenesis({"toy", "generate", "--all", "--split", "in", "--n", "30", "--seed", "4", "--out",
                          (dir / "in.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 30 questions"), std::string::npos) << r.out;
  const auto questions = read_jsonl(dir / "in.jsonl");
  ASSERT_EQ(questions.size(), 30u);
  std::map<std::string, int> per_task;
  std::set<std::string> ids;
  for (const auto& q : questions) {
    ++per_task[q["task"].get<std::string>()];
    ids.insert(q["id"].get<std::string>());
    EXPECT_TRUE(q.contains("rationale"));
    // The box holds the answer, or for a choice question the text of the answer's option.
    const std::string rationale = q["rationale"], answer = q["answer"];
    const size_t box = rationale.rfind("\\boxed{");
    ASSERT_NE(box, std::string::npos) << rationale;
    const std::string boxed = rationale.substr(box + 7, rationale.find('}', box) - box - 7);
    if (q.contains("choices"))
      EXPECT_EQ(q["choices"][answer[0] - 'A'], "(" + answer + ") " + boxed) << rationale;
    else
      EXPECT_EQ(boxed, answer) << rationale;
  }
  EXPECT_EQ(per_task, (std::map<std::string, int>{{"arith_chain", 10}, {"compare", 10}, {"counting", 10}}));
  EXPECT_EQ(ids.size(), 30u);

  ASSERT_EQ(run_regenesis({"toy", "generate", "--all", "--split", "in", "--n", "30", "--seed", "4", "--out",
                           (dir / "again.jsonl").string()}).exit_code, 0);
  EXPECT_EQ(read_file(dir / "in.jsonl"), read_file(dir / "again.jsonl"));
  ASSERT_EQ(run_regenesis({"toy", "generate", "--family", "ordering", "--n", "12", "--out",
                           (dir / "ordering.jsonl").string()}).exit_code, 0);
  for (const auto& q : read_jsonl(dir / "ordering.jsonl")) {
    EXPECT_EQ(q["task"], "ordering");
    EXPECT_EQ(q["answer_type"], "choice");
    EXPECT_GE(q["choices"].size(), 3u);
  }
}

TEST(ToyCli, GenerateRejectsBadFlagsClearly) {
  test::TempDir dir;
  const std::string out = (dir / "x.jsonl").string();
  auto expect_error = [&](std::vector<std::string> args, const std::string& message) {
    auto r = run_regenesis(args);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  };
  expect_error({"toy", "generate", "--all", "--n", "3", "--out", out}, "--split");
  expect_error({"toy", "generate", "--family", "algebra", "--n", "3", "--out", out}, "known: arith_chain");
  expect_error({"toy", "generate", "--family", "ordering", "--split", "in", "--n", "3", "--out", out}, "split \"out\"");
  expect_error({"toy", "generate", "--n", "3", "--out", out}, "--family NAME or --all");
  expect_error({"toy", "generate", "--all", "--split", "sideways", "--n", "3", "--out", out}, "\"in\", \"out\"");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ToyCli, CorpusPromptsAreTheToyPromptSetsRenderedPrompts) {
  test::TempDir dir;
  auto r = run_regenesis({"toy", "corpus", "--n", "500", "--seed", "2", "--out", (dir / "corpus.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 500 examples"), std::string::npos) << r.out;
  const std::string system = prompt_file("system.txt");
  std::string numbered, plain;
  const auto seed = split(prompt_file("seed_guidelines.txt"), '\n');
  for (size_t i = 0; i < seed.size(); ++i) numbered += (i ? "\n" : "") + std::to_string(i) + ". " + seed[i];
  plain = prompt_file("hint_guidelines.txt");
  std::map<std::string, int> formats;
  std::map<std::string, int> injected;
  for (const auto& line : read_jsonl(dir / "corpus.jsonl")) {
    const Json& meta = line["meta"];
    const std::string format = meta["format"];
    ++formats[format];
    ++injected[meta["injected_error"].get<std::string>()];
    const Json& messages = line["messages"];
    ASSERT_EQ(messages.back()["role"], "assistant");
    ASSERT_EQ(messages[messages.size() - 2]["role"], "user");
    if (format == "direct") {
      ASSERT_EQ(messages.size(), 2u);
    } else {
      ASSERT_EQ(messages.size(), 3u);
      EXPECT_EQ(messages[0]["role"], "system");
      EXPECT_EQ(messages[0]["content"], system);
    }
    std::string templ = prompt_file((format == "direct" ? std::string("train_prompt") : format) + ".txt");
    if (format == "execute" || format == "hint_execute")
      templ = replace_all(templ, "<---box--->", "\\boxed{Your Answer}");
    const std::string user = messages[messages.size() - 2]["content"];
    auto captured = match_template(templ, user);
    ASSERT_TRUE(captured) << format << " prompt does not follow prompts/toy/" << format << ":\n" << user;
    EXPECT_FALSE((*captured)["question"].empty());
    if (format == "select") EXPECT_EQ((*captured)["guidelines_numbered"], numbered);
    if (format == "hint_select") EXPECT_EQ((*captured)["guidelines"], plain);
    if (captured->count("answer")) {
      const std::string hint = (*captured)["answer"];
      const std::string gold = meta["answer"];
      EXPECT_TRUE(hint == gold || hint.rfind("(" + gold + ") ", 0) == 0) << hint << " vs " << gold;
    }
    const std::string reply = messages.back()["content"];
    if (format == "direct" || format == "execute" || format == "hint_execute")
      EXPECT_EQ(reply.rfind("Let's think step by step.", 0), 0u) << reply;
    else
      EXPECT_EQ(meta["injected_error"], "none");
    if (format == "hint_execute") EXPECT_EQ(meta["injected_error"], "none");
  }
  EXPECT_EQ(formats.size(), 9u);  // every format of the default mix
  EXPECT_GT(injected["wrong_step"], 0);
  EXPECT_GT(injected["skipped_step"], 0);
}

TEST(ToyCli, CorpusIsDeterministicAndChecksItsOptions) {
  test::TempDir dir;
  auto run = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {"toy", "corpus", "--n", "40", "--seed", "9", "--out", (dir / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_regenesis(args);
  };
  ASSERT_EQ(run("a.jsonl", {}).exit_code, 0);
  ASSERT_EQ(run("b.jsonl", {}).exit_code, 0);
  EXPECT_EQ(read_file(dir / "a.jsonl"), read_file(dir / "b.jsonl"));
  auto only = run("direct.jsonl", {"--mix", "direct=1", "--error-rate", "0", "--skip-rate", "0", "--ood-share", "1"});
  ASSERT_EQ(only.exit_code, 0) << only.err;
  for (const auto& line : read_jsonl(dir / "direct.jsonl")) {
    EXPECT_EQ(line["meta"]["format"], "direct");
    EXPECT_EQ(line["meta"]["split"], "out");
    EXPECT_EQ(line["meta"]["injected_error"], "none");
  }
  auto bad = run("bad.jsonl", {"--error-rate", "0.8", "--skip-rate", "0.5"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("at most 1"), std::string::npos) << bad.err;
  bad = run("bad.jsonl", {"--mix", "direct=1,sing=2"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown corpus format \"sing\""), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.jsonl"));
}

}  // namespace
}  // namespace regenesis
