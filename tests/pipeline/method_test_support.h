#pragma once
// Shared by the method tests: the expected prompt pieces written out here (so the tests check
// the prompt files, not the code that reads them), the worked examples read straight from
// prompts/cot/fewshot, and small accessors for requests and exported rows.
#include <string>
#include <utility>
#include <vector>

#include "pipeline/hashing.h"
#include "pipeline_fixture.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis::test {

inline const std::string kSystem = "You are a helpful, respectful and honest assistant.";
inline const std::string kQuestionPrefix =
    "Solve the following math problem step-by-step.\nPresent your final answer as \\boxed{Your Answer}.\n";

inline std::string hint_line(const std::string& answer) {
  return "\nHint: the correct final answer is " + answer +
         ". Use it to check your work, but write the solution as if you had found the answer yourself.";
}

struct Example {
  std::string question, rationale, answer;
};

inline std::vector<Example> worked_examples(const std::string& stem) {
  std::vector<Example> out;
  for (const auto& line : split(read_file(source_dir() / "prompts" / "cot" / "fewshot" / (stem + ".jsonl")), '\n')) {
    if (line.empty()) continue;
    Json j = Json::parse(line);
    out.push_back({j["question"], j["rationale"], j["answer"]});
  }
  return out;
}

inline const GenerationRequest* find_request(const ScriptedGenerator& g, const std::string& id) {
  for (const auto& r : g.sent)
    if (r.id == id) return &r;
  return nullptr;
}

inline std::vector<std::pair<std::string, std::string>> messages_text(const std::vector<ChatMessage>& messages) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : messages) out.emplace_back(m.role, m.content);
  return out;
}

inline std::vector<std::pair<std::string, std::string>> messages_of(const GenerationRequest& r) {
  return messages_text(r.messages);
}

inline std::vector<Json> read_rows(const std::filesystem::path& file) {
  std::vector<Json> rows;
  for (const auto& line : split(read_file(file), '\n'))
    if (!line.empty()) rows.push_back(Json::parse(line));
  return rows;
}

// The candidates of `mode` kept for `question_id`, in order.
inline std::vector<int> kept_candidates(RunStore& store, const std::string& mode, const std::string& question_id) {
  std::vector<int> out;
  for (const auto& k : store.kept(mode))
    if (k.question_id == question_id) out.push_back(k.candidate);
  return out;
}

}  // namespace regenesis::test
