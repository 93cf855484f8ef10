#include "pipeline/exporter.h"

#include <map>
#include <set>

#include "pipeline/hashing.h"
#include "pipeline/prompt_set.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis {

std::string strip_braces_quirk(std::string text) {
  text = replace_all(std::move(text), "\\boxed{", "");
  return replace_all(std::move(text), "}", "");
}

std::string render_export(RunStore& store, const ExportOptions& options, ExportResult& result) {
  if (options.format != "chat" && options.format != "alpaca")
    fail("export format \"", options.format, "\" is not one of \"chat\", \"alpaca\"");
  std::map<std::string, QuestionRow> questions;
  std::vector<std::string> order;
  for (auto& q : store.questions()) {
    order.push_back(q.id);
    questions.emplace(q.id, std::move(q));
  }
  std::vector<std::string> modes = {"main"};
  if (options.include_rescue) modes.push_back("hint");
  // question id -> rows in mode then candidate order
  std::map<std::string, std::vector<std::pair<KeptRecord, const PathRecord*>>> rows;
  std::map<std::string, std::vector<PathRecord>> paths_by_mode;
  for (const auto& mode : modes) {
    auto& paths = paths_by_mode[mode] = store.paths(mode);
    std::map<std::pair<std::string, int>, const PathRecord*> path_index;
    for (const auto& p : paths) path_index[{p.question_id, p.candidate}] = &p;
    for (auto& k : store.kept(mode)) {
      auto it = path_index.find({k.question_id, k.candidate});
      rows[k.question_id].emplace_back(std::move(k), it == path_index.end() ? nullptr : it->second);
    }
  }
  std::string out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& id : order) {
    auto it = rows.find(id);
    if (it == rows.end()) continue;
    const QuestionRow& q = questions.at(id);
    std::string user = fill_template(options.prompt, {{"question", q.question}});
    int written = 0;
    for (const auto& [kept, path] : it->second) {
      std::string assistant = options.strip_braces ? strip_braces_quirk(kept.text) : kept.text;
      if (options.dedup && !seen.insert({user, assistant}).second) {
        ++result.duplicates;
        continue;
      }
      if (options.max_per_question > 0 && written >= options.max_per_question) {
        ++result.capped;
        continue;
      }
      ++written;
      OrderedJson meta;
      meta["question_id"] = q.id;
      meta["task"] = q.task;
      meta["guideline"] = path ? path->module : "";
      meta["guideline_index"] = path && path->guideline_index ? Json(*path->guideline_index) : Json(nullptr);
      meta["stage"] = kept.mode == "main" ? "main" : "rescue";
      meta["candidate"] = kept.candidate;
      OrderedJson line;
      if (options.format == "chat") {
        line["messages"] = OrderedJson::array(
            {OrderedJson{{"role", "user"}, {"content", user}},
             OrderedJson{{"role", "assistant"}, {"content", assistant}}});
      } else {
        line["instruction"] = user;
        line["input"] = "";
        line["output"] = assistant;
      }
      line["meta"] = meta;
      out += line.dump(-1, ' ', false, Json::error_handler_t::replace);
      out += '\n';
      ++result.rows;
    }
  }
  result.content_hash = hash_hex(out);
  return out;
}

ExportResult export_dataset(RunStore& store, const ExportOptions& options) {
  ExportResult result;
  std::string text = render_export(store, options, result);
  if (options.out.has_parent_path()) std::filesystem::create_directories(options.out.parent_path());
  write_file_atomic(options.out, text);
  store.record_export({std::filesystem::absolute(options.out).string(), options.format, result.rows,
                       result.content_hash});
  return result;
}

}  // namespace regenesis
