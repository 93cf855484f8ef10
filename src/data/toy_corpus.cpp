#include "data/toy_corpus.h"

#include <algorithm>

#include "data/toy_stage_text.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

ToyFormat pick_format(const ToyFormatMix& mix, ToyRng& rng) {
  double total = 0;
  for (const auto& entry : mix) total += entry.second;
  double roll = rng.unit() * total;
  ToyFormat last = ToyFormat::Direct;
  for (ToyFormat format : toy_formats()) {  // fixed order, whatever the map's
    auto it = mix.find(format);
    if (it == mix.end() || it->second <= 0) continue;
    if (roll < it->second) return format;
    roll -= it->second;
    last = format;
  }
  return last;  // rounding at the very top
}

// The hint shows a choice answer as its full option ("(B) Ann"), like pipeline hint_answer().
std::string hint_answer(const Question& q) {
  if (q.answer_type == AnswerType::Choice) {
    const std::string prefix = "(" + q.answer + ")";
    for (const auto& choice : q.choices)
      if (choice.rfind(prefix, 0) == 0) return choice;
  }
  return q.answer;
}

}  // namespace

ToyCorpusBuilder::ToyCorpusBuilder(ToyCorpusOptions options, const ToyPromptRenderer& renderer)
    : options_(std::move(options)), renderer_(renderer) {
  options_.validate();
  seed_list_ = renderer_.guidelines(false);
  hint_list_ = renderer_.guidelines(true);
  const auto& roles = toy_guideline_roles();
  if (seed_list_.size() != roles.size())
    fail("the toy corpus writes replies for the ", roles.size(), " toy guidelines (prompts/toy/seed_guidelines.txt); ",
         "the prompt set has ", seed_list_.size());
  seed_roles_ = roles;
  for (const auto& guideline : hint_list_) {
    auto it = std::find(seed_list_.begin(), seed_list_.end(), guideline);
    if (it == seed_list_.end())
      fail("hint guideline \"", guideline, "\" is not one of the seed guidelines (the toy corpus knows only those)");
    hint_roles_.push_back(roles[static_cast<size_t>(it - seed_list_.begin())]);
  }
}

ToyCorpusExample ToyCorpusBuilder::example(uint64_t index) const {
  ToyRng rng(toy_stream_seed(options_.seed, "corpus", index));
  ToyCorpusExample ex;
  ex.format = pick_format(options_.mix, rng);
  const double injection_roll = rng.unit();
  const double habit_roll = rng.unit();
  ex.split = rng.chance(options_.ood_share) ? ToySplit::Out : ToySplit::In;
  const auto families = toy_families_of(ex.split);
  const ToyFamily& family = *families[static_cast<size_t>(rng.uniform(0, static_cast<int>(families.size()) - 1))];
  const bool hint = toy_format_is_hint(ex.format);
  if ((ex.format == ToyFormat::Direct || ex.format == ToyFormat::Execute) && injection_roll < options_.error_rate)
    ex.injected = ToyInjection::WrongStep;
  else if ((ex.format == ToyFormat::Direct || ex.format == ToyFormat::Execute) &&
           injection_roll < options_.error_rate + options_.skip_rate)
    ex.injected = ToyInjection::SkippedStep;
  ex.habit = (ex.format == ToyFormat::Direct || ex.format == ToyFormat::Execute) && habit_roll < options_.habit_rate;

  // The problem, and the solution the example teaches. A problem that admits no mistake of the
  // drawn kind (rare: a comparison no single slip can flip), or where the habit makes no sense
  // (a later division no longer comes out even), is replaced by another one.
  ToyProblem problem;
  std::optional<ToyWorked> solution;
  for (int attempt = 0; !solution; ++attempt) {
    if (attempt == 100) fail("internal: no ", toy_injection_name(ex.injected), " mistake found for ", family.name);
    const std::string tag = attempt == 0 ? "corpus" : "corpus#" + std::to_string(attempt);
    problem = make_toy_problem(family, options_.seed, index, tag, "toy-corpus");
    solution = inject_toy_error(problem, ex.injected, rng, ex.habit);
  }
  ex.question = problem.question;

  // The candidate's guideline text: a SELECT reply (2-3 fitting guidelines) or, in main mode,
  // half of the time one raw seed guideline (the singleton candidates of the 20 + 25 scheme).
  const auto& list = hint ? hint_list_ : seed_list_;
  const auto& list_roles = hint ? hint_roles_ : seed_roles_;
  const std::vector<int> selection = toy_pick_selection(problem.brief, list_roles, rng);
  const std::string select_reply = toy_select_reply(selection, list, !hint);
  std::vector<ToyRole> roles;
  ToyStageInputs& in = ex.inputs;
  in.question = problem.question.question;
  if (hint) in.answer = hint_answer(problem.question);
  if (!hint && rng.chance(0.5)) {
    const int g = rng.uniform(0, static_cast<int>(list.size()) - 1);
    in.selected = list[static_cast<size_t>(g)];
    roles = {list_roles[static_cast<size_t>(g)]};
  } else {
    in.selected = select_reply;
    for (int i : selection) roles.push_back(list_roles[static_cast<size_t>(i)]);
  }
  in.adapted = toy_adapt_reply(problem.brief, roles);
  in.structure = toy_plan_reply(problem.brief, roles);

  std::string reply;
  switch (ex.format) {
    case ToyFormat::Select:
    case ToyFormat::HintSelect:
      reply = select_reply;
      in.selected.clear();
      in.adapted.clear();
      in.structure.clear();
      break;
    case ToyFormat::Adapt:
    case ToyFormat::HintAdapt:
      reply = in.adapted;
      in.adapted.clear();
      in.structure.clear();
      break;
    case ToyFormat::Implement:
    case ToyFormat::HintImplement:
      reply = in.structure;
      in.structure.clear();
      break;
    case ToyFormat::Direct:
      in.selected.clear();
      in.adapted.clear();
      in.structure.clear();
      reply = render_toy_solution(*solution);
      break;
    case ToyFormat::Execute:
    case ToyFormat::HintExecute:
      reply = render_toy_solution(*solution);
      break;
  }
  if (ex.format != ToyFormat::Direct) ex.messages.push_back({"system", renderer_.system()});
  ex.messages.push_back({"user", renderer_.user(ex.format, in)});
  ex.messages.push_back({"assistant", reply});
  return ex;
}

nlohmann::ordered_json toy_corpus_json(const ToyCorpusExample& ex) {
  nlohmann::ordered_json line;
  line["messages"] = nlohmann::ordered_json::array();
  for (const auto& m : ex.messages) line["messages"].push_back({{"role", m.role}, {"content", m.content}});
  nlohmann::ordered_json meta;
  meta["source"] = "toy-corpus";
  meta["format"] = toy_format_name(ex.format);
  meta["task"] = ex.question.task;
  meta["split"] = toy_split_name(ex.split);
  meta["question_id"] = ex.question.id;
  meta["answer"] = ex.question.answer;
  meta["answer_type"] = answer_type_name(ex.question.answer_type);
  if (!ex.question.choices.empty()) meta["choices"] = ex.question.choices;
  meta["injected_error"] = toy_injection_name(ex.injected);
  meta["habit"] = ex.habit;
  line["meta"] = meta;
  return line;
}

ToyCorpusSummary write_toy_corpus(const std::filesystem::path& out, const ToyCorpusOptions& options,
                                  const ToyPromptRenderer& renderer) {
  ToyCorpusBuilder builder(options, renderer);
  ToyCorpusSummary summary;
  std::string text;
  for (uint64_t i = 0; i < options.n; ++i) {
    const ToyCorpusExample ex = builder.example(i);
    text += toy_corpus_json(ex).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    ++summary.examples;
    ++summary.by_format[toy_format_name(ex.format)];
    ++summary.by_injection[toy_injection_name(ex.injected)];
    ++summary.by_split[toy_split_name(ex.split)];
    if (ex.habit) ++summary.habit;
  }
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  write_file_atomic(out, text);
  return summary;
}

}  // namespace regenesis
