#include "eval/evaluator.h"

#include <algorithm>

#include "eval/eval_run.h"
#include "eval/prediction_log.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis {
namespace {

constexpr const char* kConfigFile = "eval_config.json";

struct PendingItem {
  const EvalBenchmark* bench;
  const Question* question;
  std::string prompt;
};

OrderedJson full_identity(const OrderedJson& identity, const EvalSettings& settings, const EvalPrompts& prompts) {
  OrderedJson out = identity;
  out["max_tokens"] = settings.max_tokens;
  out["stop"] = settings.stop;
  out["decoding"] = "greedy";
  out["prompt_templates"] = prompts.files();
  return out;
}

void clear_outputs(const std::filesystem::path& dir) {
  for (const char* name : {kPredictionsFile, kResultsJson, kResultsMarkdown, kConfigFile, "accuracy.png",
                           "accuracy.svg"})
    std::filesystem::remove(dir / name);
}

// Stores the identity on the first run; on a rerun, refuses to mix completions of different
// configurations in one predictions file.
void check_identity(const std::filesystem::path& dir, const OrderedJson& identity) {
  const auto path = dir / kConfigFile;
  if (!std::filesystem::exists(path)) {
    if (std::filesystem::exists(dir / kPredictionsFile))
      fail(dir.string(), " holds a ", kPredictionsFile, " but no ", kConfigFile,
           " (written by `regenesis grade`?): choose another --out, or pass --restart to discard it");
    write_file_atomic(path, OrderedJson{{"identity", identity}}.dump(2) + "\n");
    return;
  }
  const Json stored = read_json_file(path);
  if (!stored.contains("identity")) fail(path.string(), ": field 'identity' is missing");
  const Json now = Json::parse(identity.dump());
  std::vector<std::string> differing;
  for (const auto& [key, value] : now.items())
    if (!stored["identity"].contains(key) || stored["identity"][key] != value) differing.push_back(key);
  for (const auto& [key, value] : stored["identity"].items())
    if (!now.contains(key)) differing.push_back(key);
  if (!differing.empty())
    fail(dir.string(), " holds an evaluation with other settings (", join(differing, ", "), " differ; see ",
         path.string(), "): use another --out, or pass --restart to discard the stored predictions");
}

Prediction grade_item(const PendingItem& item, const GenerationResult& result) {
  const Question& q = *item.question;
  if (result.completions.empty()) fail("the generator returned no completion for ", item.bench->name, "/", q.id);
  const Completion& completion = result.completions.front();
  const Verdict verdict = grade_completion(completion.text, q.answer, q.answer_type, q.choices);
  Prediction p;
  p.bench = item.bench->name;
  p.id = q.id;
  p.answer_type = answer_type_name(q.answer_type);
  p.prompt = item.prompt;
  p.completion = completion.text;
  if (verdict.extracted) {
    p.extracted = verdict.extracted->text;
    p.method = verdict.extracted->method;
  }
  p.gold = q.answer;
  p.correct = verdict.correct;
  p.finish_reason = finish_reason_name(completion.finish);
  p.prompt_tokens = result.prompt_tokens;
  p.completion_tokens = completion.completion_tokens;
  return p;
}

std::vector<std::string> result_notes(const EvalOutcome& outcome, const EvalSettings& settings,
                                      const EvalPrompts& prompts, const std::string& generator) {
  std::string stops;
  for (const std::string& s : settings.stop) stops += (stops.empty() ? "" : ", ") + Json(s).dump();
  std::vector<std::string> notes = {
      "Zero-shot chain-of-thought, greedy decoding, at most " + std::to_string(settings.max_tokens) +
          " new tokens, stop strings: " + (stops.empty() ? "none" : stops) + ".",
      "Prompts: " + prompts.source() + " (prompts/eval/README.md); generator: " + generator + ".",
      "Answers extracted and compared by src/text/answer.h; 'answer found' counts completions with an "
      "extracted answer, 'truncated' those cut at the token limit.",
      "Averages: mean over tasks (the BBH subtasks pooled as one task).",
      std::to_string(outcome.reused) + " items were reused from an earlier run, " +
          std::to_string(outcome.generated) + " generated now."};
  return notes;
}

}  // namespace

EvalOutcome run_evaluation(Generator& generator, const std::vector<EvalBenchmark>& benches,
                           const EvalPrompts& prompts, const EvalSettings& settings, const OrderedJson& identity,
                           const std::filesystem::path& out_dir) {
  if (settings.max_tokens <= 0) fail("--max-tokens must be positive");
  std::filesystem::create_directories(out_dir);
  if (settings.restart) clear_outputs(out_dir);
  const OrderedJson id = full_identity(identity, settings, prompts);
  check_identity(out_dir, id);

  PredictionLog log(out_dir / kPredictionsFile);
  PredictionIndex index;
  for (const Prediction& p : log.loaded()) index[{p.bench, p.id}] = p;

  EvalOutcome outcome;
  outcome.dropped_bytes = log.dropped_bytes();
  std::vector<PendingItem> pending;
  for (const EvalBenchmark& bench : benches)
    for (const Question& q : bench.questions) {
      std::string prompt = prompts.render(bench.name, q);
      auto it = index.find({bench.name, q.id});
      if (it == index.end()) {
        pending.push_back({&bench, &q, std::move(prompt)});
        continue;
      }
      if (it->second.prompt && *it->second.prompt != prompt)
        fail(out_dir.string(), ": the stored prediction for ", bench.name, "/", q.id,
             " was made with another prompt (did the data file change?): pass --restart to start over");
      ++outcome.reused;
    }
  if (outcome.dropped_bytes > 0)
    log_warn("dropped a torn last line (" + std::to_string(outcome.dropped_bytes) + " bytes) of " +
             log.path().string() + " left by an interrupted run");
  if (outcome.reused > 0)
    log_info("resuming: " + std::to_string(outcome.reused) + " of " + std::to_string(outcome.reused + pending.size()) +
             " items are already in " + log.path().string());

  std::vector<GenerationRequest> requests;
  requests.reserve(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    GenerationRequest request;
    request.id = std::to_string(i);
    request.messages = {{"user", pending[i].prompt}};
    request.params.temperature = 0.0;
    request.params.top_p = 1.0;
    request.params.top_k = 0;
    request.params.max_tokens = settings.max_tokens;
    request.params.stop = settings.stop;
    request.params.n = 1;
    request.params.seed = settings.seed;
    requests.push_back(std::move(request));
  }
  if (!requests.empty()) {
    Progress progress("eval", static_cast<long>(requests.size()));
    int64_t correct = 0;
    generator.generate(requests, [&](GenerationResult result) {
      const PendingItem& item = pending.at(std::stoul(result.request_id));
      Prediction p = grade_item(item, result);
      log.append(p);
      correct += p.correct;
      ++outcome.generated;
      index[{p.bench, p.id}] = std::move(p);
      progress.advance(1, "accuracy so far " + format_percent(static_cast<double>(correct) / outcome.generated) + "%");
    });
    progress.finish();
  }

  outcome.summary = summarize(benches, index, true);
  const std::string label = settings.label.empty() ? directory_label(out_dir) : settings.label;
  OrderedJson meta;
  meta["command"] = "eval";
  meta["label"] = label;
  meta["generator"] = generator.describe();
  meta["identity"] = identity;
  meta["settings"] = {{"max_tokens", settings.max_tokens}, {"stop", settings.stop}, {"decoding", "greedy"},
                      {"seed", settings.seed}, {"prompts", prompts.source()}};
  meta["items"] = {{"reused", outcome.reused}, {"generated", outcome.generated}};
  write_eval_results(out_dir, outcome.summary, meta, "Evaluation: " + label,
                     result_notes(outcome, settings, prompts, generator.describe()));
  return outcome;
}

}  // namespace regenesis
