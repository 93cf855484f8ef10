#pragma once
// STaR's outer loop (Zelikman et al., 2022, Algorithm 1): round n samples and rationalizes with
// M(n-1) (M0 = the base model), and M(n) is fine-tuned from the *base* model on the data of round
// n, or with star.accumulate on the data of rounds 1..n. `star.iterations` rounds are run; the
// trainer is called between rounds only (to make the next round's sampler), so the last round's
// data is the run's training set, trained by `regenesis train` as for every other method.
//
// Layout of run.dir:
//   run.db, sft.jsonl       round 1 (a plain STaR run: `compare`, `filter`, `export` see it)
//   model-N/                the model trained on round N's data (the trainer's --out)
//   iter-N/run.db, sft.jsonl round N >= 2, sampled from model-(N-1)
//   star-train-N.jsonl      with accumulate: rounds 1..N together (duplicates dropped)
//   star-final.jsonl        the final training set (rounds > 1)
// Every round is its own resumable run store; a finished training is remembered in the round's
// store (meta "trained_model"), so a rerun after a kill resumes where it stopped. A round that
// keeps no data ends the loop (there is nothing to train the next sampler on).
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "pipeline/run_session.h"

namespace regenesis {

struct TrainRequest {
  int iteration = 0;                  // the round whose data this is (1-based)
  std::filesystem::path base_model;   // always the base model: STaR restarts from it
  std::filesystem::path data;         // SFT JSONL
  std::filesystem::path out_dir;
};
// Trains and returns a model directory (HF layout) the generator can load.
using TrainHook = std::function<std::filesystem::path(const TrainRequest&)>;
using GeneratorFactory = std::function<std::unique_ptr<Generator>(const RunConfig&)>;

struct StarRound {
  int iteration = 0;
  std::filesystem::path run_dir;
  std::filesystem::path sampled_from;  // the model of this round
  int64_t rows = 0;                    // exported rows of the round
  std::filesystem::path data;          // the round's export
  std::filesystem::path train_data;    // what the next model was trained on ("" if none)
  std::filesystem::path trained_model; // "" for the last round
};

struct StarOutcome {
  std::vector<StarRound> rounds;
  std::filesystem::path final_data;  // the run's training set
  int64_t final_rows = 0;
  std::string summary;               // every round's summary table and the final lines
};

struct StarLoop {
  TrainHook train;
  GeneratorFactory generator;  // null: make_generator(config) (tests pass scripted ones)
};

StarOutcome run_star_iterations(const RunConfig& config, const SessionOptions& options,
                                const StarLoop& loop);

// The rounds recorded in a run directory (from run.db's meta "star_rounds"); empty for a run
// without outer iterations.
std::vector<StarRound> recorded_star_rounds(RunStore& top_store);

}  // namespace regenesis
