#pragma once
// The toy pretraining corpus (`regenesis toy corpus`): chat-formatted SFT examples that teach a
// small model from scratch both direct chain-of-thought answers and every ReGenesis stage format,
// written with the toy prompt set's exact prompts (prompts/toy, rendered by the caller the way
// the pipeline renders them), with controlled mistakes in the worked solutions.
//
// Formats (meta.format): direct (train prompt -> worked solution, as `export` and `eval` show a
// question), select (-> "i. guideline" lines), adapt (-> one adapted sentence per guideline),
// implement (-> numbered plan), execute (plan + question -> worked solution), and the hint (rescue)
// versions of the four stages. Stage examples carry the system message the pipeline sends;
// direct ones carry none, as exported and evaluated questions have none.
//
// Mistakes (meta.injected_error): a direct or execute solution is "wrong_step" with probability
// error_rate (one step's result is off and the error carries on to a wrong final answer),
// "skipped_step" with probability skip_rate (one step is left out, the rest builds on the value
// before it), else "none". Independently, with probability habit_rate a direct or execute
// solution has the habit (meta.habit): every "doubles"/"triples" step adds 2 or 3 instead, so the
// pretrained model's most likely reading of those words is wrong while a sample is often right
// (docs/TOY.md, "The habit"). Hint execute solutions are always clean. Every injected solution's
// final answer is checked to grade wrong (text/answer.h).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/toy_families.h"
#include "text/chat_message.h"

namespace regenesis {

enum class ToyFormat { Direct, Select, Adapt, Implement, Execute, HintSelect, HintAdapt, HintImplement, HintExecute };
const std::vector<ToyFormat>& toy_formats();
const char* toy_format_name(ToyFormat format);  // "direct", "select", ..., "hint_execute"
ToyFormat parse_toy_format(std::string_view name);  // Error naming the formats
bool toy_format_is_hint(ToyFormat format);
bool toy_format_has_solution(ToyFormat format);  // direct, execute, hint_execute

// Relative weights of the formats (need not sum to 1).
using ToyFormatMix = std::map<ToyFormat, double>;
ToyFormatMix default_toy_mix();
// "direct=3,execute=3,select=1": the formats named get those weights, the others 0. Error on an
// unknown name, a weight that is not a number >= 0, or all weights 0.
ToyFormatMix parse_toy_mix(std::string_view spec);
std::string toy_mix_text(const ToyFormatMix& mix);  // "direct=30,select=10,..."

// The values a stage prompt is filled with (pipeline/stage_plan.cpp fills the same ones).
struct ToyStageInputs {
  std::string question;
  std::string answer;     // hint formats: the gold answer as the hint shows it ("(B) Ann" for choices)
  std::string selected;   // adapt, implement, execute: the SELECT reply or one raw guideline
  std::string adapted;    // implement, execute
  std::string structure;  // execute
};

// Renders the toy prompt set's user turns; the CLI implements it with pipeline/prompt_set.h.
class ToyPromptRenderer {
 public:
  virtual ~ToyPromptRenderer() = default;
  virtual std::string system() const = 0;
  // The SELECT list (seed guidelines) or the hint SELECT list.
  virtual std::vector<std::string> guidelines(bool hint) const = 0;
  virtual std::string user(ToyFormat format, const ToyStageInputs& inputs) const = 0;
};

struct ToyCorpusOptions {
  uint64_t n = 0;
  uint64_t seed = 0;
  double error_rate = 0.15;  // wrong_step share of direct/execute solutions
  double skip_rate = 0.10;   // skipped_step share
  double ood_share = 0.10;   // share of examples from out-of-domain families
  double habit_rate = 0.6;   // share of direct/execute solutions that work doublings/triplings as +2/+3
  ToyFormatMix mix = default_toy_mix();
  void validate() const;  // Error naming the field
};

struct ToyCorpusExample {
  std::vector<ChatMessage> messages;  // [system,] user, assistant
  ToyFormat format = ToyFormat::Direct;
  ToyInjection injected = ToyInjection::None;
  bool habit = false;  // the solution was worked with the habit (it shows only where the question doubles or triples)
  ToySplit split = ToySplit::In;
  Question question;
  ToyStageInputs inputs;
};

class ToyCorpusBuilder {
 public:
  // Checks the options and that the renderer's guideline lists fit the toy roles (8 seed
  // guidelines; hint guidelines must be among them).
  ToyCorpusBuilder(ToyCorpusOptions options, const ToyPromptRenderer& renderer);
  // Example `index`, from its own random stream: the same (seed, index) gives the same example.
  ToyCorpusExample example(uint64_t index) const;
  const ToyCorpusOptions& options() const { return options_; }

 private:
  ToyCorpusOptions options_;
  const ToyPromptRenderer& renderer_;
  std::vector<std::string> seed_list_, hint_list_;
  std::vector<ToyRole> seed_roles_, hint_roles_;
};

// {"messages": [...], "meta": {"source": "toy-corpus", "format", "task", "split", "question_id",
//  "answer", "answer_type", ["choices",] "injected_error"}}
nlohmann::ordered_json toy_corpus_json(const ToyCorpusExample& example);

struct ToyCorpusSummary {
  uint64_t examples = 0;
  std::map<std::string, uint64_t> by_format, by_injection, by_split;
  uint64_t habit = 0;  // examples whose solution was worked with the habit
};

// Writes examples 0..n-1 as JSONL (atomically).
ToyCorpusSummary write_toy_corpus(const std::filesystem::path& out, const ToyCorpusOptions& options,
                                  const ToyPromptRenderer& renderer);

}  // namespace regenesis
