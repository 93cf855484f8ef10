// The S1 workload of bench/README.md: what `regenesis synthesize` asks of the engine for 16
// questions with the official 20 + 25 scheme, stage by stage. Prompts are the real templates of
// prompts/regenesis (system message + user turn through the model's chat template); every
// request has n = 1 and its own seed, as the pipeline sends them, so the 20 SELECT samples of a
// question are 20 requests with one prompt and only the prefix cache makes them share work.
#include <fstream>
#include <map>
#include <sstream>

#include "engine_bench.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis::bench {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), ": cannot read (set --prompts to the prompts/regenesis directory)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();  // prompts/README.md: one newline off
  return text;
}

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '{')
      for (const auto& [name, value] : values)
        if (text.compare(i, name.size() + 2, "{" + name + "}") == 0) {
          out += value;
          i += name.size() + 2;
          replaced = true;
          break;
        }
    if (!replaced) out += text[i++];
  }
  const std::string box = "<---box--->";
  for (size_t at; (at = out.find(box)) != std::string::npos;) out.replace(at, box.size(), "\\boxed{Your Answer}");
  return out;
}

// GSM8K-shaped stand-ins, used when no question file is given or found.
const std::vector<std::string> kStandIns = {
    "A baker makes 24 muffins and sells 3 boxes of 6. How many muffins are left?",
    "Tom reads 15 pages a day for 2 weeks. How many pages does he read?",
    "A train travels 180 km in 3 hours. What is its average speed in km per hour?",
    "Sara has 5 times as many stickers as Ben, who has 12. How many do they have together?",
    "A shirt costs $40 and is on sale for 25% off. What is the sale price?",
    "There are 7 rows of 9 chairs and 14 are taken. How many chairs are free?",
    "A farmer has 3 fields of 120 plants; pests destroy a sixth of them. How many plants remain?",
    "Lena saves $8 a week. How many weeks until she can buy a $100 bike if she has $20?",
    "A tank holds 500 liters and leaks 12 liters an hour. How much is left after 15 hours?",
    "Three friends share a $57 bill equally and each adds a $2 tip. What does each pay?",
    "A rectangle is 13 m long and 7 m wide. What is its perimeter?",
    "Mark runs 4 laps of 400 m each day for 5 days. How many kilometers does he run?",
    "A class of 30 has 40% girls. How many boys are in the class?",
    "Eggs come in cartons of 12. How many cartons are needed for 150 eggs?",
    "A car uses 6 liters per 100 km. How many liters for a 350 km trip?",
    "Anna is twice as old as Tim, and in 5 years their ages will add up to 40. How old is Tim?"};

std::vector<std::string> load_questions(const Options& o) {
  std::vector<std::string> out;
  if (!o.questions.empty() && std::filesystem::exists(o.questions)) {
    for_each_jsonl(o.questions, [&](const Json& line, long) {
      if (static_cast<int>(out.size()) < o.s1_questions) out.push_back(line.at("question").get<std::string>());
    });
  }
  for (size_t i = 0; static_cast<int>(out.size()) < o.s1_questions; ++i) out.push_back(kStandIns[i % kStandIns.size()]);
  return out;
}

struct Stage {
  std::string name;
  std::vector<GenerationRequest> requests;
};

}  // namespace

Json run_s1(const Options& o) {
  const std::filesystem::path dir = o.prompts_dir;
  const std::string system = read_text(dir / "system.txt");
  const std::map<std::string, std::string> templates = {
      {"select", read_text(dir / "select.txt")}, {"adapt", read_text(dir / "adapt.txt")},
      {"implement", read_text(dir / "implement.txt")}, {"execute", read_text(dir / "execute.txt")}};
  const std::vector<std::string> guidelines = split(read_text(dir / "seed_guidelines.txt"), '\n');
  std::string numbered;
  for (size_t i = 0; i < guidelines.size(); ++i)
    numbered += (i ? "\n" : "") + std::to_string(i) + ". " + guidelines[i];
  const std::vector<std::string> questions = load_questions(o);
  const int selections = 20;  // the official scheme: 20 SELECT samples + the 25 raw guidelines

  TorchEngine engine(o.model, engine_options(o, 64));
  SamplingParams params;  // the pipeline's defaults (run_config.h), with short replies
  params.temperature = 1.2;
  params.top_p = 0.9;
  params.max_tokens = o.s1_new_tokens;
  auto request = [&](const std::string& id, const std::string& user, uint64_t seed) {
    GenerationRequest r;
    r.id = id;
    r.messages = {{"system", system}, {"user", user}};
    r.params = params;
    r.params.seed = seed;
    return r;
  };

  // replies[q][c]: the latest stage's reply of candidate c of question q.
  std::vector<std::vector<std::string>> replies(questions.size());
  Json stages = Json::array();
  const double start = now_seconds();
  uint64_t seed = 1;
  for (const std::string stage : {"select", "adapt", "implement", "execute"}) {
    std::vector<GenerationRequest> requests;
    for (size_t q = 0; q < questions.size(); ++q) {
      const int count = stage == "select" ? selections : selections + static_cast<int>(guidelines.size());
      for (int c = 0; c < count; ++c) {
        std::map<std::string, std::string> values = {{"question", questions[q]},
                                                     {"guidelines_numbered", numbered}};
        if (stage == "adapt") values["selected"] = c < selections ? replies[q][c] : guidelines[c - selections];
        if (stage == "implement") values["adapted"] = replies[q][c];
        if (stage == "execute") values["structure"] = replies[q][c];
        requests.push_back(request(std::to_string(q) + "/" + std::to_string(c), fill(templates.at(stage), values), seed++));
      }
    }
    const EngineStats before = engine.stats();
    const double stage_start = now_seconds();
    std::vector<std::vector<std::string>> next(questions.size());
    for (auto& v : next) v.resize(selections + guidelines.size());
    engine.generate(requests, [&](GenerationResult result) {
      const auto slash = result.request_id.find('/');
      next[std::stoul(result.request_id.substr(0, slash))][std::stoul(result.request_id.substr(slash + 1))] =
          result.completions[0].text;
    });
    replies = std::move(next);
    const EngineStats after = engine.stats();
    stages.push_back({{"stage", stage},
                      {"requests", requests.size()},
                      {"seconds", now_seconds() - stage_start},
                      {"prompt_tokens", after.prompt_tokens - before.prompt_tokens},
                      {"prefill_tokens", after.prefill_tokens - before.prefill_tokens},
                      {"generated_tokens", after.generated_tokens - before.generated_tokens}});
  }
  const EngineStats s = engine.stats();
  return {{"seconds", now_seconds() - start},
          {"questions", questions.size()},
          {"requests", s.requests},
          {"generated_tokens", s.generated_tokens},
          {"prompt_tokens", s.prompt_tokens},
          {"prefill_tokens", s.prefill_tokens},
          {"prefix_hit_tokens", s.prefix_hit_tokens},
          {"evicted_blocks", s.prefix_cache.evicted_blocks},
          {"kv_cache_mib", engine.kv_cache_bytes() >> 20},
          {"stages", stages}};
}

}  // namespace regenesis::bench
