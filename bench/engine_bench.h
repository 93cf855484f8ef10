#pragma once
// Shared pieces of engine_bench (engine_bench.cpp: machine, bandwidth, prefill and decode;
// engine_bench_s1.cpp: the ReGenesis S1 workload).
#include <string>

#include "engine/torch_engine.h"
#include "util/json.h"

namespace regenesis::bench {

struct Options {
  std::string model;             // a model dir (regenesis model init --preset smollm-135m-shape)
  std::string dtype = "auto";
  int threads = 0;
  std::string sections = "bandwidth,prefill,decode,s1";
  std::string decode_batches = "1,8,32,64";
  int prompt_tokens = 128;       // decode section: prompt and new tokens per sequence
  int new_tokens = 128;
  int prefill_prompts = 16;      // prefill section: prompts of prefill_length tokens
  int prefill_length = 512;
  int s1_questions = 16;
  int s1_new_tokens = 100;       // per stage
  std::string questions;         // JSONL with "question" fields (first s1_questions used)
  std::string prompts_dir;       // ReGenesis prompt files (select.txt, seed_guidelines.txt, ...)
  int64_t kv_cache_tokens = 0;
};

EngineOptions engine_options(const Options& o, int max_batch);
double now_seconds();

// The S1 workload: 20 SELECT samples and 45 ADAPT, IMPLEMENT and EXECUTE requests per question,
// each stage fed with the previous stage's replies, as the pipeline sends them. Result fields:
// seconds, requests, generated_tokens, prompt_tokens, prefill_tokens, per-stage breakdown.
Json run_s1(const Options& o);

}  // namespace regenesis::bench
