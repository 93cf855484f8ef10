#include "pipeline/run_config.h"

#include <map>
#include <set>

#include "pipeline/config_reader.h"
#include "pipeline/config_toml.h"
#include "pipeline/run_config_backend.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using Reader = ConfigReader;

std::string resolve(const std::string& value, const std::filesystem::path& base) {
  if (value.empty()) return value;
  std::filesystem::path p(value);
  if (p.is_relative()) p = base / p;
  return std::filesystem::absolute(p).lexically_normal().string();
}

void read_sampling(Reader& r, const Json& s, const std::string& prefix, SamplingConfig& out) {
  r.get(s, prefix, "temperature", out.temperature);
  r.get(s, prefix, "top_p", out.top_p);
  r.get_int(s, prefix, "top_k", out.top_k, 0);
  r.get_int(s, prefix, "max_tokens", out.max_tokens, 1);
  r.get(s, prefix, "stop", out.stop);
  if (out.temperature < 0) r.error(prefix + ".temperature", "must not be negative");
  if (out.top_p <= 0 || out.top_p > 1) r.error(prefix + ".top_p", "must be in (0, 1]");
}

OrderedJson sampling_json(const SamplingConfig& s) {
  return {{"temperature", s.temperature}, {"top_p", s.top_p}, {"top_k", s.top_k},
          {"max_tokens", s.max_tokens}, {"stop", s.stop}};
}

// Defaults that differ by method, set before the file's values are read so that explicit
// values win. The CoT baselines sample as LMSI and RFT did (T = 0.7, no nucleus cut) and keep
// their paths as written (no step rewrite: a plain CoT has no numbered plan to cut to).
void apply_method_defaults(RunConfig& c) {
  if (!is_cot_method(c.method)) return;
  c.synthesis.sampling.temperature = 0.7;
  c.synthesis.sampling.top_p = 1.0;
  c.rewrite.enabled = false;
  if (c.method == "rft") c.synthesis.shots = 0;  // RFT samples zero-shot
}

RunConfig parse(const Json& root, const std::string& source, const std::filesystem::path& base,
                const std::map<std::string, long>* lines, const std::string& method_override) {
  Reader r(source, lines);
  if (!root.is_object()) r.error("(top level)", "must be a table");
  r.check_keys(root, "", {"seed", "method", "run", "model", "backend", "data", "synthesis",
                          "filter", "rewrite", "rescue", "export", "star", "rft", "task_sd",
                          "train"});
  RunConfig c;
  r.get_int(root, "", "seed", c.seed, 0);
  r.get(root, "", "method", c.method);
  if (!method_override.empty()) c.method = method_override;
  std::set<std::string> methods(method_names().begin(), method_names().end());
  r.one_of("", "method", c.method, methods);
  apply_method_defaults(c);

  const Json& run = r.section(root, "run", {"dir", "sync"});
  r.get(run, "run", "dir", c.run.dir);
  r.get(run, "run", "sync", c.run.sync);
  r.one_of("run", "sync", c.run.sync, {"full", "normal"});

  const Json& model = r.section(root, "model", {"path", "dtype", "threads", "max_batch"});
  r.get(model, "model", "path", c.model.path);
  r.get(model, "model", "dtype", c.model.dtype);
  r.one_of("model", "dtype", c.model.dtype, {"f32", "bf16"});
  r.get_int(model, "model", "threads", c.model.threads, 0);
  r.get_int(model, "model", "max_batch", c.model.max_batch, 0);

  read_backend_config(r, root, c.backend);

  const Json& data = r.section(root, "data", {"questions", "limit"});
  r.get(data, "data", "questions", c.data.questions);
  r.get_int(data, "data", "limit", c.data.limit, 0);

  const Json& syn = r.section(root, "synthesis",
                              {"prompts", "chat_template", "selections", "singletons",
                               "chunk_questions", "temperature", "top_p", "top_k", "max_tokens",
                               "stop", "paths", "shots", "fewshot"});
  r.get(syn, "synthesis", "prompts", c.synthesis.prompts);
  r.get(syn, "synthesis", "chat_template", c.synthesis.chat_template);
  r.get_int(syn, "synthesis", "selections", c.synthesis.selections, 0);
  r.get_int(syn, "synthesis", "singletons", c.synthesis.singletons, -1);
  r.get_int(syn, "synthesis", "chunk_questions", c.synthesis.chunk_questions, 1);
  read_sampling(r, syn, "synthesis", c.synthesis.sampling);
  r.get_int(syn, "synthesis", "paths", c.synthesis.paths, 1);
  r.get_int(syn, "synthesis", "shots", c.synthesis.shots, -1);
  r.get(syn, "synthesis", "fewshot", c.synthesis.fewshot);

  const Json& filter = r.section(root, "filter", {"self_judge", "require_boxed", "match",
                                                  "max_path_tokens", "tokenizer", "max_paths"});
  r.get(filter, "filter", "self_judge", c.filter.self_judge);
  r.get(filter, "filter", "require_boxed", c.filter.require_boxed);
  r.get(filter, "filter", "match", c.filter.match);
  r.one_of("filter", "match", c.filter.match, {"typed", "paper"});
  r.get_int(filter, "filter", "max_path_tokens", c.filter.max_path_tokens, 0);
  r.get(filter, "filter", "tokenizer", c.filter.tokenizer);
  r.get_int(filter, "filter", "max_paths", c.filter.max_paths, 0);

  const Json& rw = r.section(root, "rewrite",
                             {"enabled", "drop_first_paragraph_steps", "step_marker", "prefix"});
  r.get(rw, "rewrite", "enabled", c.rewrite.enabled);
  r.get(rw, "rewrite", "drop_first_paragraph_steps", c.rewrite.drop_first_paragraph_steps);
  r.get(rw, "rewrite", "step_marker", c.rewrite.step_marker);
  r.one_of("rewrite", "step_marker", c.rewrite.step_marker, {"list", "substring"});
  r.get(rw, "rewrite", "prefix", c.rewrite.prefix);

  const Json& rescue = r.section(root, "rescue", {"enabled", "selections", "drop_hint_echo",
                                                  "temperature", "top_p", "top_k", "max_tokens",
                                                  "stop"});
  r.get(rescue, "rescue", "enabled", c.rescue.enabled);
  r.get_int(rescue, "rescue", "selections", c.rescue.selections, 0);
  r.get(rescue, "rescue", "drop_hint_echo", c.rescue.drop_hint_echo);
  read_sampling(r, rescue, "rescue", c.rescue.sampling);

  const Json& ex = r.section(root, "export", {"format", "out", "prompt", "max_per_question",
                                              "dedup", "strip_braces", "include_rescue"});
  r.get(ex, "export", "format", c.exporting.format);
  r.one_of("export", "format", c.exporting.format, {"chat", "alpaca"});
  r.get(ex, "export", "out", c.exporting.out);
  r.get(ex, "export", "prompt", c.exporting.prompt);
  if (!c.exporting.prompt.empty() && c.exporting.prompt.find("{question}") == std::string::npos)
    r.error("export.prompt", "must contain {question}");
  r.get_int(ex, "export", "max_per_question", c.exporting.max_per_question, 0);
  r.get(ex, "export", "dedup", c.exporting.dedup);
  r.get(ex, "export", "strip_braces", c.exporting.strip_braces);
  r.get(ex, "export", "include_rescue", c.exporting.include_rescue);

  const Json& star = r.section(root, "star", {"rationalize_paths", "iterations", "accumulate"});
  r.get_int(star, "star", "rationalize_paths", c.star.rationalize_paths, 0);
  r.get_int(star, "star", "iterations", c.star.iterations, 1);
  r.get(star, "star", "accumulate", c.star.accumulate);

  const Json& rft = r.section(root, "rft", {"dedup"});
  r.get(rft, "rft", "dedup", c.rft.dedup);
  r.one_of("rft", "dedup", c.rft.dedup, {"equations", "text", "none"});

  const Json& tsd = r.section(root, "task_sd", {"examples", "structures", "description"});
  r.get_int(tsd, "task_sd", "examples", c.task_sd.examples, 1);
  r.get_int(tsd, "task_sd", "structures", c.task_sd.structures, 1);
  r.get(tsd, "task_sd", "description", c.task_sd.description);

  // The trainer's own keys are checked where the trainer is called (the pipeline cannot see it).
  if (auto it = root.find("train"); it != root.end()) {
    if (!it->is_object()) r.error("train", std::string("must be a table, got ") + it->type_name());
    c.train = *it;
  }

  // One config for every method: "{method}" in the run directory and the export file.
  c.run.dir = replace_all(c.run.dir, "{method}", c.method);
  c.exporting.out = replace_all(c.exporting.out, "{method}", c.method);
  c.run.dir = resolve(c.run.dir, base);
  c.model.path = resolve(c.model.path, base);
  c.data.questions = resolve(c.data.questions, base);
  c.synthesis.prompts = resolve(c.synthesis.prompts, base);
  c.filter.tokenizer = resolve(c.filter.tokenizer, base);
  c.synthesis.fewshot = resolve(c.synthesis.fewshot, base);
  return c;
}

void flatten(const Json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(*it, prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out[prefix] = j.dump();
  }
}

}  // namespace

RunConfig RunConfig::defaults_for(const std::string& method) {
  RunConfig c;
  c.method = method;
  apply_method_defaults(c);
  return c;
}

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"regenesis", "star", "lmsi", "rft", "task_sd"};
  return names;
}

bool is_cot_method(const std::string& method) {
  return method == "star" || method == "lmsi" || method == "rft";
}

RunConfig RunConfig::from_toml_file(const std::filesystem::path& path,
                                    const std::string& method_override) {
  std::map<std::string, long> lines;
  Json json = toml_file_to_json(path, lines);
  auto base = std::filesystem::absolute(path).parent_path();
  return parse(json, path.string(), base, &lines, method_override);
}

RunConfig RunConfig::from_json(const Json& json, const std::string& source,
                               const std::filesystem::path& base_dir) {
  return parse(json, source, base_dir, nullptr, "");
}

OrderedJson RunConfig::to_json() const {
  OrderedJson j;
  j["seed"] = seed;
  j["method"] = method;
  j["run"] = {{"dir", run.dir}, {"sync", run.sync}};
  j["model"] = {{"path", model.path}, {"dtype", model.dtype}, {"threads", model.threads},
                {"max_batch", model.max_batch}};
  j["backend"] = backend_config_json(backend);
  j["data"] = {{"questions", data.questions}, {"limit", data.limit}};
  OrderedJson syn = {{"prompts", synthesis.prompts}, {"chat_template", synthesis.chat_template},
                     {"selections", synthesis.selections}, {"singletons", synthesis.singletons},
                     {"chunk_questions", synthesis.chunk_questions}};
  syn.update(sampling_json(synthesis.sampling));
  syn["paths"] = synthesis.paths;
  syn["shots"] = synthesis.shots;
  syn["fewshot"] = synthesis.fewshot;
  j["synthesis"] = syn;
  j["filter"] = {{"self_judge", filter.self_judge}, {"require_boxed", filter.require_boxed},
                 {"match", filter.match}, {"max_path_tokens", filter.max_path_tokens},
                 {"tokenizer", filter.tokenizer}, {"max_paths", filter.max_paths}};
  j["rewrite"] = {{"enabled", rewrite.enabled},
                  {"drop_first_paragraph_steps", rewrite.drop_first_paragraph_steps},
                  {"step_marker", rewrite.step_marker}, {"prefix", rewrite.prefix}};
  OrderedJson res = {{"enabled", rescue.enabled}, {"selections", rescue.selections},
                     {"drop_hint_echo", rescue.drop_hint_echo}};
  res.update(sampling_json(rescue.sampling));
  j["rescue"] = res;
  j["export"] = {{"format", exporting.format}, {"out", exporting.out},
                 {"prompt", exporting.prompt}, {"max_per_question", exporting.max_per_question},
                 {"dedup", exporting.dedup}, {"strip_braces", exporting.strip_braces},
                 {"include_rescue", exporting.include_rescue}};
  j["star"] = {{"rationalize_paths", star.rationalize_paths}, {"iterations", star.iterations},
               {"accumulate", star.accumulate}};
  j["rft"] = {{"dedup", rft.dedup}};
  j["task_sd"] = {{"examples", task_sd.examples}, {"structures", task_sd.structures},
                  {"description", task_sd.description}};
  j["train"] = train;
  return j;
}

OrderedJson RunConfig::generation_identity(const std::string& prompt_fingerprint) const {
  OrderedJson j;
  j["seed"] = seed;
  j["model"] = {{"path", model.path}, {"dtype", model.dtype}};
  j["backend"] = backend_identity_json(backend);
  j["data"] = {{"questions", data.questions}};
  OrderedJson syn = {{"prompts", prompt_fingerprint}, {"chat_template", synthesis.chat_template},
                     {"selections", synthesis.selections}, {"singletons", synthesis.singletons}};
  syn.update(sampling_json(synthesis.sampling));
  j["synthesis"] = syn;
  OrderedJson res = {{"selections", rescue.selections}};
  res.update(sampling_json(rescue.sampling));
  j["rescue"] = res;
  // A baseline adds what decides its text; a ReGenesis identity stays as it always was, so
  // stores written before the baselines existed still match.
  if (method != "regenesis") {
    j["method"] = method;
    j["synthesis"]["paths"] = synthesis.paths;
    if (is_cot_method(method)) j["synthesis"]["shots"] = synthesis.shots;
    // (STaR's [train] settings shape the samplers of later rounds; those rounds check them
    // against the ones their model was trained with, star_iterations.cpp.)
    if (method == "star") j["star"] = {{"rationalize_paths", star.rationalize_paths}};
    if (method == "task_sd")
      j["task_sd"] = {{"examples", task_sd.examples}, {"structures", task_sd.structures}};
  }
  return j;
}

std::filesystem::path RunConfig::store_file() const {
  return std::filesystem::path(run.dir) / "run.db";
}

std::filesystem::path RunConfig::export_file() const {
  std::filesystem::path out(exporting.out);
  return out.is_absolute() ? out : std::filesystem::path(run.dir) / out;
}

std::vector<std::string> identity_differences(const Json& stored, const Json& now) {
  std::map<std::string, std::string> a, b;
  flatten(stored, "", a);
  flatten(now, "", b);
  std::vector<std::string> out;
  for (const auto& [key, value] : a) {
    auto it = b.find(key);
    if (it == b.end()) out.push_back(key + ": " + value + " -> (absent)");
    else if (it->second != value) out.push_back(key + ": " + value + " -> " + it->second);
  }
  for (const auto& [key, value] : b)
    if (!a.count(key)) out.push_back(key + ": (absent) -> " + value);
  return out;
}

}  // namespace regenesis
