// Engine speed on this machine (bench/README.md, "Engine" and "Machine"): the memory read
// bandwidth and the batch-1 decode roofline it implies, prefill tokens/s, decode tokens/s at
// several batch sizes, and the S1 ReGenesis workload (engine_bench_s1.cpp). Each measurement
// runs in its own child process, so its peak resident memory is its own.
//
//   engine_bench --model DIR [--dtype auto|f32|bf16] [--threads 0] [--sections LIST]
//                [--decode-batches 1,8,32,64] [--s1-questions 16] [--s1-new-tokens 100]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "engine_bench.h"
#include "model/config.h"
#include "model/cpu_features.h"
#include "model/simd_math.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis::bench {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

EngineOptions engine_options(const Options& o, int max_batch) {
  EngineOptions e;
  e.dtype = o.dtype;
  e.threads = o.threads;
  e.max_batch = max_batch;
  e.max_context = 4096;
  e.kv_cache_tokens = o.kv_cache_tokens;
  return e;
}

namespace {

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

int thread_count(const Options& o) {
  return o.threads > 0 ? o.threads : std::max(1, cpu_features().logical_cores);
}

// ---- bandwidth ----------------------------------------------------------------------------

#if REGENESIS_SIMD
RG_AVX512 uint64_t read_sum_simd(const uint64_t* p, size_t n) {
  __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a = _mm512_add_epi64(a, _mm512_loadu_si512(p + i));
    b = _mm512_add_epi64(b, _mm512_loadu_si512(p + i + 8));
    c = _mm512_add_epi64(c, _mm512_loadu_si512(p + i + 16));
    d = _mm512_add_epi64(d, _mm512_loadu_si512(p + i + 24));
  }
  uint64_t sum = _mm512_reduce_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
  for (; i < n; ++i) sum += p[i];
  return sum;
}
#endif

uint64_t read_sum(const uint64_t* p, size_t n) {
#if REGENESIS_SIMD
  if (cpu_features().avx512) return read_sum_simd(p, n);
#endif
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += p[i];
  return sum;
}

// STREAM-like read bandwidth: `threads` threads each sum their share of a 1 GiB buffer (far
// beyond any cache); the best of several passes.
Json run_bandwidth(const Options& o) {
  const size_t bytes = size_t(1) << 30, words = bytes / sizeof(uint64_t);
  std::vector<uint64_t> buffer(words, 1);  // written once: every page is resident
  const int threads = thread_count(o);
  double best = 1e9;
  uint64_t sink = 0;
  for (int pass = 0; pass < 7; ++pass) {
    std::vector<uint64_t> sums(threads);
    const double start = now_seconds();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        const size_t begin = words * t / threads, end = words * (t + 1) / threads;
        sums[t] = read_sum(buffer.data() + begin, end - begin);
      });
    for (auto& thread : pool) thread.join();
    best = std::min(best, now_seconds() - start);
    for (uint64_t s : sums) sink += s;
  }
  return {{"gb_per_s", bytes / best / 1e9}, {"threads", threads}, {"check", sink % 7}};
}

// Bytes of weights one decode step reads: every projection, the norms and the lm_head.
double weight_bytes(const ModelConfig& c, const std::string& dtype) {
  const double size = dtype == "bf16" ? 2 : 4;
  const double h = c.hidden_size, q = c.num_attention_heads * c.head_dim,
               kv = c.num_key_value_heads * c.head_dim, i = c.intermediate_size;
  double per_layer = h * q * 2 + h * kv * 2 + 3 * h * i + 2 * h;
  if (c.attention_bias) per_layer += q + 2 * kv;
  return size * (c.num_hidden_layers * per_layer + h + double(c.vocab_size) * h);
}

// ---- prefill and decode -----------------------------------------------------------------

// A prompt of about `tokens` tokens of random words (distinct per seed: no prefix sharing).
std::string random_prompt(const Tokenizer& tokenizer, int tokens, uint64_t seed) {
  static const char* words[] = {"the", "river", "counts", "seven", "apples", "while", "a", "farmer",
                                "sells", "twelve", "eggs", "and", "buys", "bread", "for", "his",
                                "market", "stall", "before", "noon", "every", "day", "of", "spring"};
  std::mt19937_64 rng(seed);
  std::string text = "Question " + std::to_string(seed) + ":";
  while (static_cast<int>(tokenizer.encode(text).size()) < tokens)
    for (int w = 0; w < 8; ++w) text += std::string(" ") + words[rng() % std::size(words)];
  return text;
}

Json run_batch(const Options& o, int sequences, int prompt_tokens, int new_tokens, int max_batch) {
  EngineOptions options = engine_options(o, max_batch);
  options.prefix_cache_tokens = 0;
  options.prefill_chunk = std::max(512, prompt_tokens);
  TorchEngine engine(o.model, options);
  std::vector<GenerationRequest> requests;
  for (int s = 0; s < sequences; ++s) {
    GenerationRequest r;
    r.id = std::to_string(s);
    r.prompt = random_prompt(engine.tokenizer(), prompt_tokens, 1000 + s);
    r.params.temperature = 1.0;
    r.params.max_tokens = new_tokens;
    r.params.seed = s;
    r.params.ignore_eos = true;  // every sequence runs its full length: the batch stays whole
    requests.push_back(std::move(r));
  }
  const double start = now_seconds();
  engine.generate(requests, [](GenerationResult) {});
  const double seconds = now_seconds() - start;
  const EngineStats s = engine.stats();
  return {{"sequences", sequences},
          {"seconds", seconds},
          {"prefill_tokens", s.prefill_tokens},
          {"generated_tokens", s.generated_tokens},
          {"decode_tokens", s.decode_only_tokens},
          {"decode_seconds", s.decode_only_seconds},
          {"mean_batch", s.decode_only_steps ? double(s.decode_only_tokens) / s.decode_only_steps : 0.0},
          {"forward_seconds", s.forward_seconds},
          {"sample_seconds", s.sample_seconds},
          {"dtype", engine.dtype()},
          {"kv_cache_mib", engine.kv_cache_bytes() >> 20}};
}

// ---- child processes ----------------------------------------------------------------------

// Runs `work` in a child process; its JSON comes back through a pipe, with the child's peak
// resident memory and the load average around it.
Json isolated(const std::function<Json()>& work) {
  int fds[2];
  if (pipe(fds) != 0) fail("pipe failed");
  const std::string load_before = load_average();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = work().dump();
    } catch (const std::exception& e) {
      out = Json{{"error", e.what()}}.dump();
    }
    const char* p = out.data();
    for (size_t left = out.size(); left > 0;) {
      const ssize_t n = write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char chunk[4096];
  for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) > 0;) text.append(chunk, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  Json result = text.empty() ? Json{{"error", "the child process died"}} : Json::parse(text);
  result["peak_rss_mib"] = usage.ru_maxrss / 1024;
  result["cpu_seconds"] = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  result["load"] = load_before + " -> " + load_average();
  return result;
}

void report_error(const Json& result) {
  if (result.contains("error")) std::printf("  error: %s\n", result["error"].get<std::string>().c_str());
}

}  // namespace

int run(const Options& o) {
  const CpuFeatures& cpu = cpu_features();
  const std::string dtype = resolve_dtype_name(o.dtype);
  const ModelConfig config = ModelConfig::load(o.model);
  const double bytes = weight_bytes(config, dtype);
  std::printf("## Machine\n\n| | |\n|---|---|\n");
  std::printf("| CPU | %s |\n| cores | %d (threads used: %d) |\n", cpu.model_name.c_str(),
              cpu.logical_cores, thread_count(o));
  std::printf("| SIMD | avx512 %s, avx512_bf16 %s, amx_bf16 %s |\n", cpu.avx512 ? "yes" : "no",
              cpu.avx512_bf16 ? "yes" : "no", cpu.amx_bf16 ? "yes" : "no");
  std::printf("| model | %s (%s, %.0f MB of weights read per decode token) |\n\n", o.model.c_str(),
              dtype.c_str(), bytes / 1e6);
  std::fflush(stdout);
  Json all = {{"cpu", cpu.model_name}, {"dtype", dtype}, {"weight_bytes", bytes}};
  auto want = [&](const std::string& s) { return ("," + o.sections + ",").find("," + s + ",") != std::string::npos; };

  std::printf("## Engine\n\n| measure | value | peak RSS | load (1 min) |\n|---|---|---|---|\n");
  double roofline = 0;
  if (want("bandwidth")) {
    const Json r = isolated([&] { return run_bandwidth(o); });
    report_error(r);
    const double gbs = r.value("gb_per_s", 0.0);
    roofline = gbs * 1e9 / bytes;
    std::printf("| read bandwidth (%d threads) | %.1f GB/s | %lld MiB | %s |\n", r.value("threads", 0), gbs,
                r["peak_rss_mib"].get<long long>(), r["load"].get<std::string>().c_str());
    std::printf("| batch-1 decode roofline (bandwidth / weight bytes) | %.1f tok/s | | |\n", roofline);
    all["bandwidth"] = r;
  }
  std::fflush(stdout);
  if (want("prefill")) {
    const Json r = isolated([&] { return run_batch(o, o.prefill_prompts, o.prefill_length, 1, 64); });
    report_error(r);
    const double tps = r.value("prefill_tokens", 0) / std::max(1e-9, r.value("forward_seconds", 0.0));
    std::printf("| prefill (%d prompts x %d tokens) | %.0f tok/s | %lld MiB | %s |\n", o.prefill_prompts,
                o.prefill_length, tps, r["peak_rss_mib"].get<long long>(), r["load"].get<std::string>().c_str());
    all["prefill"] = r;
  }
  std::fflush(stdout);
  if (want("decode")) {
    for (const std::string& item : split(o.decode_batches, ',')) {
      const int batch = std::stoi(item);
      const Json r = isolated([&] { return run_batch(o, batch, o.prompt_tokens, o.new_tokens, batch); });
      report_error(r);
      const double tps = r.value("decode_tokens", 0) / std::max(1e-9, r.value("decode_seconds", 0.0));
      std::string note;
      if (batch == 1 && roofline > 0) note = " (" + std::to_string(int(100 * tps / roofline + 0.5)) + "% of roofline)";
      std::printf("| decode, %d sequences (mean batch %.1f; prompt %d + %d new) | %.1f tok/s%s | %lld MiB | %s |\n",
                  batch, r.value("mean_batch", 0.0), o.prompt_tokens, o.new_tokens, tps, note.c_str(),
                  r["peak_rss_mib"].get<long long>(), r["load"].get<std::string>().c_str());
      all["decode_" + item] = r;
      std::fflush(stdout);
    }
  }
  if (want("s1")) {
    const Json r = isolated([&] { return run_s1(o); });
    report_error(r);
    const double ratio = double(r.value("prefill_tokens", 0)) / std::max<int64_t>(1, r.value("prompt_tokens", 0));
    std::printf("| S1: %d questions x 4 stages (%lld requests, %lld new tokens) | %.1f s wall | %lld MiB | %s |\n",
                o.s1_questions, r.value("requests", 0LL), r.value("generated_tokens", 0LL),
                r.value("seconds", 0.0), r["peak_rss_mib"].get<long long>(), r["load"].get<std::string>().c_str());
    std::printf("| S1 prefill tokens computed / prompt tokens requested | %lld / %lld = %.1f%% | | |\n",
                r.value("prefill_tokens", 0LL), r.value("prompt_tokens", 0LL), 100 * ratio);
    if (r.contains("stages"))
      for (const auto& s : r["stages"])
        std::printf("| S1 %s: %lld requests, computed / requested | %lld / %lld = %.1f%%, %.1f s | | |\n",
                    s["stage"].get<std::string>().c_str(), s["requests"].get<long long>(),
                    s["prefill_tokens"].get<long long>(), s["prompt_tokens"].get<long long>(),
                    100.0 * s["prefill_tokens"].get<double>() / std::max(1.0, s["prompt_tokens"].get<double>()),
                    s["seconds"].get<double>());
    all["s1"] = r;
  }
  std::printf("\n<details><summary>raw measurements (JSON)</summary>\n\n```json\n%s\n```\n</details>\n", all.dump(1).c_str());
  return 0;
}

}  // namespace regenesis::bench

int main(int argc, char** argv) {
  regenesis::bench::Options o;
  o.prompts_dir = std::string(REGENESIS_SOURCE_DIR) + "/prompts/regenesis";
  o.questions = std::string(REGENESIS_SOURCE_DIR) + "/../shared/data/gsm8k/test.jsonl";
  CLI::App app{"Embedded engine speed: bandwidth roofline, prefill, decode, the S1 workload"};
  app.add_option("--model", o.model, "Model directory (e.g. from `regenesis model init --preset smollm-135m-shape --dtype bf16`)")->required();
  app.add_option("--dtype", o.dtype, "auto | f32 | bf16")->capture_default_str();
  app.add_option("--threads", o.threads, "CPU threads (0 = one per core)")->capture_default_str();
  app.add_option("--sections", o.sections, "Comma-separated: bandwidth,prefill,decode,s1")->capture_default_str();
  app.add_option("--decode-batches", o.decode_batches, "Sequences decoded together, per decode run")->capture_default_str();
  app.add_option("--prompt-tokens", o.prompt_tokens, "Decode runs: prompt tokens per sequence")->capture_default_str();
  app.add_option("--new-tokens", o.new_tokens, "Decode runs: new tokens per sequence")->capture_default_str();
  app.add_option("--prefill-prompts", o.prefill_prompts, "Prefill run: number of prompts")->capture_default_str();
  app.add_option("--prefill-length", o.prefill_length, "Prefill run: tokens per prompt")->capture_default_str();
  app.add_option("--s1-questions", o.s1_questions, "S1: questions")->capture_default_str();
  app.add_option("--s1-new-tokens", o.s1_new_tokens, "S1: max new tokens per stage reply")->capture_default_str();
  app.add_option("--questions", o.questions, "S1: question JSONL (falls back to built-in stand-ins)")->capture_default_str();
  app.add_option("--prompts", o.prompts_dir, "S1: the prompts/regenesis directory")->capture_default_str();
  app.add_option("--kv-cache-tokens", o.kv_cache_tokens, "KV pool positions (0 = engine default)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return regenesis::bench::run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine_bench: %s\n", e.what());
    return 1;
  }
}
