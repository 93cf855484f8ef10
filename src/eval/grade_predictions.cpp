#include "eval/grade_predictions.h"

#include <unordered_map>

#include "text/answer.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {
namespace {

std::string id_text(const Json& line) {
  if (!line.contains("id")) fail("field 'id' is missing");
  const Json& id = line["id"];
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return std::to_string(id.get<long long>());
  fail("field 'id' must be a string or an integer");
}

std::string list_some(const std::vector<std::string>& items, size_t most = 10) {
  std::vector<std::string> shown(items.begin(), items.begin() + std::min(items.size(), most));
  std::string text = join(shown, "; ");
  if (items.size() > most) text += "; ... (" + std::to_string(items.size() - most) + " more)";
  return text;
}

}  // namespace

std::vector<GradeInput> read_grade_inputs(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) fail(path.string(), ": no such predictions file");
  std::vector<GradeInput> inputs;
  for_each_jsonl(path, [&](const Json& line, long number) {
    if (!line.is_object()) fail("expected a JSON object");
    GradeInput input;
    input.file = path.string();
    input.line = number;
    input.id = id_text(line);
    input.completion = require_string(line, "completion", "prediction");
    input.bench = optional_string(line, "bench", "prediction");
    if (line.contains("prompt") && line["prompt"].is_string()) input.prompt = line["prompt"].get<std::string>();
    inputs.push_back(std::move(input));
  });
  if (inputs.empty()) fail(path.string(), ": no predictions in the file");
  return inputs;
}

GradeOutcome grade_inputs(const std::vector<EvalBenchmark>& benches, const std::vector<GradeInput>& inputs,
                          const GradeOptions& options) {
  // id -> the benchmarks holding it (ids of the shared data carry their dataset, but user files
  // need not).
  std::unordered_map<std::string, std::vector<std::pair<const EvalBenchmark*, const Question*>>> by_id;
  for (const EvalBenchmark& bench : benches)
    for (const Question& q : bench.questions) by_id[q.id].push_back({&bench, &q});

  GradeOutcome outcome;
  PredictionIndex index;
  std::map<PredictionKey, long> first_line;
  for (const GradeInput& input : inputs) {
    const EvalBenchmark* bench = nullptr;
    const Question* question = nullptr;
    auto it = by_id.find(input.id);
    if (it != by_id.end()) {
      if (input.bench) {
        for (const auto& [b, q] : it->second)
          if (b->name == *input.bench) bench = b, question = q;
      } else if (it->second.size() > 1) {
        fail_at(input.file, input.line,
                "id '" + input.id + "' is in both " + it->second[0].first->name + " and " +
                    it->second[1].first->name + ": add a \"bench\" field to the prediction");
      } else {
        bench = it->second[0].first;
        question = it->second[0].second;
      }
    }
    if (!question) {
      outcome.unknown.push_back(input.file + ":" + std::to_string(input.line) + ": id '" + input.id + "'" +
                                (input.bench ? " (bench " + *input.bench + ")" : ""));
      continue;
    }
    const PredictionKey key{bench->name, question->id};
    if (auto seen = first_line.find(key); seen != first_line.end())
      fail_at(input.file, input.line,
              "a second prediction for " + bench->name + "/" + question->id + " (first on line " +
                  std::to_string(seen->second) + ")");
    first_line[key] = input.line;
    const Verdict verdict =
        grade_completion(input.completion, question->answer, question->answer_type, question->choices);
    Prediction p;
    p.bench = bench->name;
    p.id = question->id;
    p.answer_type = answer_type_name(question->answer_type);
    p.prompt = input.prompt;
    p.completion = input.completion;
    if (verdict.extracted) {
      p.extracted = verdict.extracted->text;
      p.method = verdict.extracted->method;
    }
    p.gold = question->answer;
    p.correct = verdict.correct;
    index[key] = p;
    outcome.predictions.push_back(std::move(p));
  }
  if (!outcome.unknown.empty() && !options.ignore_unknown)
    fail(outcome.unknown.size(), " predictions match no question of the given benchmarks (wrong --bench?): ",
         list_some(outcome.unknown), ". Pass --ignore-unknown to grade the rest");
  if (outcome.predictions.empty()) fail("no prediction matches a question of the given benchmarks");
  for (const EvalBenchmark& bench : benches)
    for (const Question& q : bench.questions)
      if (!index.count({bench.name, q.id})) outcome.missing[bench.name].push_back(q.id);
  outcome.summary = summarize(benches, index, !options.only_predicted);
  return outcome;
}

}  // namespace regenesis
