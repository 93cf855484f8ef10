// The toy corpus: injection and format rates within binomial bounds, injected solutions grade
// wrong and clean ones right, stage inputs chain like the pipeline's, the prompt files fit the
// corpus, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "data/toy_corpus.h"
#include "data/toy_stage_text.h"
#include "test_support.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::filesystem::path toy_prompts() { return test::source_dir() / "prompts" / "toy"; }

std::string template_file(const std::string& name) {
  std::string text = read_file(toy_prompts() / name);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::vector<std::string> lines_of(const std::string& name) { return split(template_file(name), '\n'); }

// A renderer written for the test from the prompt files: fills `{name}` placeholders in one pass.
class FileRenderer : public ToyPromptRenderer {
 public:
  std::string system() const override { return template_file("system.txt"); }
  std::vector<std::string> guidelines(bool hint) const override {
    return lines_of(hint ? "hint_guidelines.txt" : "seed_guidelines.txt");
  }
  std::string user(ToyFormat format, const ToyStageInputs& in) const override {
    std::map<std::string, std::string> v = {{"question", in.question}, {"answer", in.answer},
                                            {"selected", in.selected}, {"adapted", in.adapted},
                                            {"structure", in.structure}};
    std::string list_numbered, list_plain;
    const auto list = guidelines(toy_format_is_hint(format));
    for (size_t i = 0; i < list.size(); ++i) {
      list_numbered += (i ? "\n" : "") + std::to_string(i) + ". " + list[i];
      list_plain += (i ? "\n" : "") + list[i];
    }
    v["guidelines_numbered"] = list_numbered;
    v["guidelines"] = list_plain;
    const std::string file = format == ToyFormat::Direct ? "train_prompt" : toy_format_name(format);
    std::string templ = template_file(file + ".txt");
    std::string out;
    for (size_t i = 0; i < templ.size();) {
      const size_t close = templ[i] == '{' ? templ.find('}', i) : std::string::npos;
      if (close != std::string::npos && v.count(templ.substr(i + 1, close - i - 1))) {
        out += v[templ.substr(i + 1, close - i - 1)];
        i = close + 1;
      } else {
        out += templ[i++];
      }
    }
    return replace_all(out, "<---box--->", "\\boxed{Your Answer}");
  }
};

// |count - n p| within 4.5 standard deviations (a deterministic seed; the bound is for honesty).
void expect_binomial(uint64_t count, uint64_t n, double p, const std::string& what) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_LE(std::fabs(static_cast<double>(count) - mean), 4.5 * sd + 1e-9)
      << what << ": " << count << " of " << n << ", expected about " << mean;
}

TEST(ToyCorpus, PromptFilesFitTheCorpusRoles) {
  const auto seed = lines_of("seed_guidelines.txt");
  const auto& roles = toy_guideline_roles();
  ASSERT_EQ(seed.size(), roles.size());
  const std::map<ToyRole, std::string> keyword = {
      {ToyRole::Goal, "asks for"},       {ToyRole::Facts, "facts"},   {ToyRole::Steps, "small steps"},
      {ToyRole::Running, "running total"}, {ToyRole::Compare, "Compare"}, {ToyRole::Clues, "clues"},
      {ToyRole::Check, "Check"},         {ToyRole::Restart, "new plan"}};
  for (size_t i = 0; i < seed.size(); ++i)
    EXPECT_NE(seed[i].find(keyword.at(roles[i])), std::string::npos) << i << ": " << seed[i];
  for (const auto& hint : lines_of("hint_guidelines.txt"))
    EXPECT_NE(std::find(seed.begin(), seed.end(), hint), seed.end()) << hint;
  // The direct format is what `eval` shows a toy question: the built-in eval prompt with
  // {options} empty (toy choice questions list their options).
  std::string eval_prompt = read_file(test::source_dir() / "prompts" / "eval" / "default.txt");
  if (!eval_prompt.empty() && eval_prompt.back() == '\n') eval_prompt.pop_back();
  EXPECT_EQ(template_file("train_prompt.txt"), replace_all(eval_prompt, "{options}", ""));
}

TEST(ToyCorpus, InjectionRatesMatchTheSettingsAndGradesAgree) {
  FileRenderer renderer;
  ToyCorpusOptions options;
  options.seed = 5;
  options.error_rate = 0.2;
  options.skip_rate = 0.1;
  options.habit_rate = 0;  // the habit's own test is below
  options.mix = parse_toy_mix("direct=1,execute=1");
  ToyCorpusBuilder builder(options, renderer);
  constexpr uint64_t kN = 2000;
  uint64_t wrong = 0, skipped = 0, direct = 0;
  for (uint64_t i = 0; i < kN; ++i) {
    const ToyCorpusExample ex = builder.example(i);
    const Question& q = ex.question;
    const bool correct = grade_completion(ex.messages.back().content, q.answer, q.answer_type, q.choices).correct;
    if (ex.injected == ToyInjection::None) EXPECT_TRUE(correct) << ex.messages.back().content;
    else EXPECT_FALSE(correct) << ex.messages.back().content;
    wrong += ex.injected == ToyInjection::WrongStep;
    skipped += ex.injected == ToyInjection::SkippedStep;
    direct += ex.format == ToyFormat::Direct;
  }
  expect_binomial(wrong, kN, 0.2, "wrong_step");
  expect_binomial(skipped, kN, 0.1, "skipped_step");
  expect_binomial(direct, kN, 0.5, "direct");
}

TEST(ToyCorpus, HabitRateMatchesTheSettingAndShowsWhereTheQuestionMultiplies) {
  FileRenderer renderer;
  ToyCorpusOptions options;
  options.seed = 9;
  options.error_rate = 0;
  options.skip_rate = 0;
  options.ood_share = 0;
  options.habit_rate = 0.6;
  options.mix = parse_toy_mix("direct=2,execute=2,hint_execute=1");
  ToyCorpusBuilder builder(options, renderer);
  constexpr uint64_t kN = 2000;
  uint64_t solutions = 0, habit = 0, shown = 0;
  for (uint64_t i = 0; i < kN; ++i) {
    const ToyCorpusExample ex = builder.example(i);
    const std::string& reply = ex.messages.back().content;
    if (ex.format == ToyFormat::HintExecute) {
      EXPECT_FALSE(ex.habit) << "hint solutions are always clean";
      continue;
    }
    ++solutions;
    habit += ex.habit;
    const bool multiplies = ex.question.question.find("doubles.") != std::string::npos ||
                            ex.question.question.find("triples.") != std::string::npos;
    if (!multiplies) continue;
    // The sign of every doubling/tripling step: "+" under the habit, "*" otherwise.
    static const std::regex step(R"((?:doubles|triples), so \w+ has \d+ ([*+]) )");
    bool added = false, multiplied = false;
    for (auto it = std::sregex_iterator(reply.begin(), reply.end(), step); it != std::sregex_iterator(); ++it)
      ((*it)[1].str() == "+" ? added : multiplied) = true;
    EXPECT_EQ(added, ex.habit) << reply;
    EXPECT_EQ(multiplied, !ex.habit) << reply;
    shown += ex.habit;
  }
  expect_binomial(habit, solutions, 0.6, "habit");
  EXPECT_GT(shown, 60u);
}

TEST(ToyCorpus, FormatAndDomainSharesFollowTheOptions) {
  FileRenderer renderer;
  ToyCorpusOptions options;
  options.seed = 8;
  options.ood_share = 0.25;
  ToyCorpusBuilder builder(options, renderer);
  constexpr uint64_t kN = 2000;
  std::map<ToyFormat, uint64_t> formats;
  uint64_t out = 0, injected_elsewhere = 0;
  for (uint64_t i = 0; i < kN; ++i) {
    const ToyCorpusExample ex = builder.example(i);
    ++formats[ex.format];
    out += ex.split == ToySplit::Out;
    EXPECT_EQ(toy_family(ex.question.task).split, ex.split);
    if (ex.format != ToyFormat::Direct && ex.format != ToyFormat::Execute && ex.injected != ToyInjection::None)
      ++injected_elsewhere;
  }
  EXPECT_EQ(injected_elsewhere, 0u);  // hint execute solutions and stage replies are clean
  expect_binomial(out, kN, 0.25, "out of domain");
  double total = 0;
  for (const auto& [format, weight] : default_toy_mix()) total += weight;
  for (const auto& [format, weight] : default_toy_mix())
    expect_binomial(formats[format], kN, weight / total, toy_format_name(format));
}

// The stage inputs chain the way the pipeline's do: a SELECT reply (or one raw guideline) feeds
// ADAPT, whose reply feeds IMPLEMENT, whose plan feeds EXECUTE; every example's reply is what the
// next stage would receive.
TEST(ToyCorpus, StageRepliesAndInputsHaveTheToyShapes) {
  FileRenderer renderer;
  ToyCorpusOptions options;
  options.seed = 3;
  ToyCorpusBuilder builder(options, renderer);
  const auto seed = renderer.guidelines(false);
  const auto hint = renderer.guidelines(true);
  size_t longest = 0;
  for (uint64_t i = 0; i < 600; ++i) {
    const ToyCorpusExample ex = builder.example(i);
    const bool is_hint = toy_format_is_hint(ex.format);
    const std::string& reply = ex.messages.back().content;
    size_t bytes = 0;
    for (const auto& m : ex.messages) bytes += m.content.size();
    longest = std::max(longest, bytes);
    if (ex.format == ToyFormat::Direct) {
      ASSERT_EQ(ex.messages.size(), 2u);
      EXPECT_EQ(ex.messages[0].role, "user");
    } else {
      ASSERT_EQ(ex.messages.size(), 3u);
      EXPECT_EQ(ex.messages[0].role, "system");
      EXPECT_EQ(ex.messages[0].content, renderer.system());
    }
    EXPECT_EQ(ex.messages[ex.messages.size() - 2].content, renderer.user(ex.format, ex.inputs));
    EXPECT_EQ(ex.inputs.question, ex.question.question);
    if (is_hint) {
      EXPECT_FALSE(ex.inputs.answer.empty());
      if (ex.question.answer_type == AnswerType::Choice) EXPECT_EQ(ex.inputs.answer.substr(0, 3), "(" + ex.question.answer + ")");
      else EXPECT_EQ(ex.inputs.answer, ex.question.answer);
    }
    auto check_selection = [&](const std::string& text, bool numbered) {
      const auto lines = split(text, '\n');
      EXPECT_GE(lines.size(), 2u) << text;
      EXPECT_LE(lines.size(), 3u) << text;
      for (const auto& line : lines) {
        if (numbered) {
          const size_t dot = line.find(". ");
          ASSERT_NE(dot, std::string::npos) << line;
          EXPECT_EQ(line.substr(dot + 2), seed.at(std::stoul(line.substr(0, dot)))) << line;
        } else {
          EXPECT_NE(std::find(hint.begin(), hint.end(), line), hint.end()) << line;
        }
      }
    };
    switch (ex.format) {
      case ToyFormat::Select: check_selection(reply, true); break;
      case ToyFormat::HintSelect: check_selection(reply, false); break;
      case ToyFormat::Adapt:
      case ToyFormat::HintAdapt:
        if (std::find(seed.begin(), seed.end(), ex.inputs.selected) == seed.end() || is_hint)
          check_selection(ex.inputs.selected, !is_hint);
        EXPECT_EQ(split(reply, '\n').size(), std::max<size_t>(1, std::count(ex.inputs.selected.begin(), ex.inputs.selected.end(), '\n') + 1));
        break;
      case ToyFormat::Implement:
      case ToyFormat::HintImplement:
      case ToyFormat::Execute:
      case ToyFormat::HintExecute: {
        const std::string& plan = ex.format == ToyFormat::Implement || ex.format == ToyFormat::HintImplement ? reply : ex.inputs.structure;
        const auto steps = split(plan, '\n');
        EXPECT_GE(steps.size(), 3u) << plan;
        for (size_t k = 0; k < steps.size(); ++k) EXPECT_EQ(steps[k].rfind(std::to_string(k + 1) + ". ", 0), 0u) << plan;
        EXPECT_FALSE(ex.inputs.adapted.empty());
        break;
      }
      case ToyFormat::Direct: EXPECT_TRUE(ex.inputs.selected.empty()); break;
    }
    if (toy_format_has_solution(ex.format)) EXPECT_EQ(reply.rfind("Let's think step by step.\n\n1. ", 0), 0u);
  }
  // Short enough for a small model's context: ~512 tokens at >= 4 bytes a token.
  EXPECT_LE(longest, 2048u);
}

TEST(ToyCorpus, ExamplesAreDeterministicPerSeedAndIndex) {
  FileRenderer renderer;
  ToyCorpusOptions options;
  options.seed = 42;
  ToyCorpusBuilder a(options, renderer), b(options, renderer);
  options.seed = 43;
  ToyCorpusBuilder c(options, renderer);
  int differ = 0;
  for (uint64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(toy_corpus_json(a.example(i)).dump(), toy_corpus_json(b.example(i)).dump());
    differ += toy_corpus_json(a.example(i)).dump() != toy_corpus_json(c.example(i)).dump();
  }
  EXPECT_GT(differ, 40);
  const auto json = toy_corpus_json(a.example(7));
  EXPECT_EQ(json["meta"]["source"], "toy-corpus");
  EXPECT_TRUE(json["meta"].contains("injected_error"));
  EXPECT_EQ(json["messages"].back()["role"], "assistant");
}

TEST(ToyCorpus, BadOptionsAreErrors) {
  FileRenderer renderer;
  auto error_of = [&](ToyCorpusOptions o) -> std::string {
    try {
      ToyCorpusBuilder builder(o, renderer);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  ToyCorpusOptions o;
  o.error_rate = 0.7;
  o.skip_rate = 0.5;
  EXPECT_NE(error_of(o).find("at most 1"), std::string::npos);
  o = {};
  o.ood_share = -0.1;
  EXPECT_NE(error_of(o).find("--ood-share"), std::string::npos);
  o = {};
  o.habit_rate = 1.5;
  EXPECT_NE(error_of(o).find("--habit-rate"), std::string::npos);
  EXPECT_THROW(parse_toy_mix("direct=1,bogus=2"), Error);
  EXPECT_THROW(parse_toy_mix("direct=-1"), Error);
  EXPECT_THROW(parse_toy_mix("direct=0"), Error);
  EXPECT_THROW(parse_toy_mix("direct"), Error);
  auto mix = parse_toy_mix("direct=2, execute=1");
  EXPECT_EQ(mix[ToyFormat::Direct], 2);
  EXPECT_EQ(mix[ToyFormat::Select], 0);
  EXPECT_EQ(parse_toy_mix(toy_mix_text(default_toy_mix())), default_toy_mix());
}

}  // namespace
}  // namespace regenesis
