#include "pipeline/star_iterations.h"

#include <chrono>
#include <cstdio>
#include <set>

#include "pipeline/hashing.h"
#include "pipeline/run_flow.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// The exports of several rounds as one training set: rows in round order, a row whose turns
// repeat an earlier row's dropped, each row's meta told its round.
using RoundFile = std::pair<int, std::filesystem::path>;  // (round, its export)

std::string combine_exports(const std::vector<RoundFile>& files, int64_t& rows) {
  std::string out;
  std::set<std::string> seen;
  rows = 0;
  for (const auto& [round, file] : files) {
    std::string text = read_file(file);
    long line_number = 0;
    for (const auto& line : split(text, '\n')) {
      ++line_number;
      if (line.empty()) continue;
      OrderedJson row;
      try {
        row = OrderedJson::parse(line);
      } catch (const std::exception& e) {
        fail_at(file.string(), line_number, std::string("not a JSON line: ") + e.what());
      }
      OrderedJson turns = row.contains("messages") ? row["messages"] : row;
      if (turns.is_object()) turns.erase("meta");
      if (!seen.insert(turns.dump()).second) continue;
      if (row.contains("meta") && row["meta"].is_object()) row["meta"]["star_round"] = round;
      out += row.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
      ++rows;
    }
  }
  return out;
}

OrderedJson round_json(const StarRound& r) {
  return {{"iteration", r.iteration},          {"run_dir", r.run_dir.string()},
          {"sampled_from", r.sampled_from.string()}, {"rows", r.rows},
          {"data", r.data.string()},           {"train_data", r.train_data.string()},
          {"trained_model", r.trained_model.string()}};
}

// The model trained on this round's data: made by `train`, or the one a previous invocation
// made from the same data (remembered in the round's store).
std::filesystem::path trained_model(RunSession& session, const TrainHook& train, const TrainRequest& request,
                                    const std::string& data_hash) {
  const Json& settings = session.config().train;
  if (auto stored = session.store().meta("trained_model")) {
    Json j = parse_json(*stored, session.store().file().string() + " trained_model");
    std::filesystem::path model = j.value("model", "");
    // Later rounds were sampled from that model: it must stay what it was.
    std::string changed = j.value("data_hash", "") != data_hash ? "training data (other filter or export settings?)"
                          : j.value("train", Json::object()) != settings ? "[train] settings"
                                                                          : "";
    if (!changed.empty())
      fail(session.store().file().string(), ": the ", changed, " of round ", request.iteration,
           " changed since ", model.string(), " was trained; later rounds were sampled from that "
           "model. Use a new run.dir (or restore the settings)");
    if (std::filesystem::exists(model)) return model;
  }
  log_info("star: training model " + std::to_string(request.iteration) + " from the base model on " +
           request.data.string());
  std::filesystem::path model = train(request);
  session.store().set_meta("trained_model", OrderedJson{{"model", model.string()},
                                                      {"data_hash", data_hash},
                                                      {"train", settings}}
                                              .dump());
  return model;
}

}  // namespace

StarOutcome run_star_iterations(const RunConfig& config, const SessionOptions& options,
                                const StarLoop& loop) {
  if (config.method != "star") fail("star.iterations: outer iterations are STaR's (method = \"star\")");
  if (!loop.train) fail("star.iterations > 1 needs a trainer between rounds");
  // Later rounds sample from the model trained here, which no remote server has loaded.
  if (config.backend.type != "embedded")
    fail("star.iterations > 1 needs backend.type = \"embedded\" (each round samples from the model "
         "trained in the round before); with \"", config.backend.type, "\", run one iteration at a time");
  const std::filesystem::path top = config.run.dir;
  StarOutcome outcome;
  std::filesystem::path model = config.model.path;
  std::vector<RoundFile> exports;
  for (int k = 1; k <= config.star.iterations; ++k) {
    auto start = std::chrono::steady_clock::now();
    RunConfig round = config;
    if (k > 1) {
      round.run.dir = (top / ("iter-" + std::to_string(k))).string();
      round.model.path = model.string();
      round.exporting.out = std::filesystem::path(config.exporting.out).filename().string();
    }
    log_info("star: round " + std::to_string(k) + " of " + std::to_string(config.star.iterations) +
             ", sampling from " + round.model.path);
    auto session = RunSession::from_config(round, options, loop.generator ? loop.generator(round) : nullptr);
    RunOutcome result = run_once(*session);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcome.summary += session->summary_table(seconds, result.exported, result.options.out);
    StarRound info;
    info.iteration = k;
    info.run_dir = round.run.dir;
    info.sampled_from = round.model.path;
    info.rows = result.exported.rows;
    info.data = result.options.out;
    exports.emplace_back(k, info.data);
    bool last = k == config.star.iterations;
    if (!last && info.rows == 0) {
      log_warn("star: round " + std::to_string(k) + " kept no data, so there is nothing to train the "
               "next round's model on; stopping after this round");
      last = true;
    }
    if (!last) {
      info.train_data = info.data;
      std::string data_hash = result.exported.content_hash;
      if (config.star.accumulate && k > 1) {
        int64_t rows = 0;
        std::string text = combine_exports(exports, rows);
        info.train_data = top / ("star-train-" + std::to_string(k) + ".jsonl");
        write_file_atomic(info.train_data, text);
        data_hash = hash_hex(text);
      }
      info.trained_model = trained_model(*session, loop.train,
                                         {k, config.model.path, info.train_data,
                                          top / ("model-" + std::to_string(k))},
                                         data_hash);
      model = info.trained_model;
    }
    session->finish("ok");
    outcome.rounds.push_back(info);
    if (last) break;
  }
  // The training set of the run: the last round's data, or every round's with accumulate.
  std::vector<RoundFile> final_inputs = {exports.back()};
  if (config.star.accumulate) final_inputs = exports;
  std::string text = combine_exports(final_inputs, outcome.final_rows);
  outcome.final_data = top / "star-final.jsonl";
  write_file_atomic(outcome.final_data, text);

  OrderedJson record = OrderedJson::array();
  for (const auto& r : outcome.rounds) record.push_back(round_json(r));
  {
    RunStore store(config.store_file(), {false, config.run.sync == "full"});
    store.set_meta("star_rounds", OrderedJson{{"rounds", record},
                                              {"final_data", outcome.final_data.string()},
                                              {"final_rows", outcome.final_rows},
                                              {"accumulate", config.star.accumulate}}
                                      .dump());
  }
  char line[512];
  std::snprintf(line, sizeof line, "\nSTaR: %zu round(s); training set %s (%lld rows)\n",
                outcome.rounds.size(), outcome.final_data.c_str(),
                static_cast<long long>(outcome.final_rows));
  outcome.summary += line;
  return outcome;
}

std::vector<StarRound> recorded_star_rounds(RunStore& top_store) {
  std::vector<StarRound> rounds;
  auto stored = top_store.meta("star_rounds");
  if (!stored) return rounds;
  Json j = parse_json(*stored, top_store.file().string() + " star_rounds");
  for (const auto& r : j.value("rounds", Json::array())) {
    StarRound round;
    round.iteration = r.value("iteration", 0);
    round.run_dir = r.value("run_dir", "");
    round.sampled_from = r.value("sampled_from", "");
    round.rows = r.value("rows", int64_t{0});
    round.data = r.value("data", "");
    round.train_data = r.value("train_data", "");
    round.trained_model = r.value("trained_model", "");
    rounds.push_back(round);
  }
  return rounds;
}

}  // namespace regenesis
