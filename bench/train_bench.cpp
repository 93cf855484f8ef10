// Training throughput: tokens/s of one optimizer step (forward + backward + AdamW) for LoRA and
// full fine-tuning on a model of SmolLM2-135M's shape, at a given sequence length, and the peak
// resident memory of each (getrusage maxrss of a child process per configuration, so one mode's
// peak does not hide another's). Random weights and tokens: speed does not depend on them.
//
//   train_bench [--modes lora,full] [--seq 512] [--batch 1] [--steps 3] [--threads 0]
//               [--dtype f32|bf16] [--checkpoint-activations] [--preset smollm-135m-shape]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "model/init_model.h"
#include "model/init_weights.h"
#include "train/trainer.h"
#include "util/strings.h"

using namespace regenesis;

namespace {

struct BenchOptions {
  std::string modes = "lora,full";
  std::string preset = "smollm-135m-shape";
  int seq = 512, batch = 1, steps = 3, threads = 0;
  std::string dtype = "f32";
  bool checkpoint_activations = false;
};

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return trim(line.substr(line.find(':') + 1));
  return "unknown CPU";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

// Sequences of `seq` random tokens; the second half carries the loss (an SFT answer after its
// prompt), so the lm_head runs on half the positions, as in training.
std::vector<TokenizedExample> synthetic_data(int count, int seq, int64_t vocab) {
  std::mt19937_64 rng(1);
  std::vector<TokenizedExample> data(count);
  for (TokenizedExample& e : data) {
    for (int i = 0; i < seq; ++i) {
      e.tokens.push_back(static_cast<int32_t>(rng() % vocab));
      e.loss.push_back(i >= seq / 2 ? 1 : 0);
    }
  }
  return data;
}

// Runs in the child: one untimed step, then `steps` timed ones. Prints "tokens_per_s step_s".
void run_mode(const BenchOptions& bench, const std::string& mode) {
  at::set_num_threads(bench.threads > 0 ? bench.threads : static_cast<int>(std::thread::hardware_concurrency()));
  InitOptions init;
  init.preset = bench.preset;
  const ModelConfig config = init_preset_config(init);
  auto weights = init_random_weights(config, 0, at::kFloat);
  std::map<std::string, at::Tensor> tensors(weights.begin(), weights.end());
  weights.clear();
  Transformer model = Transformer::from_tensors(config, tensors, at::kFloat);
  tensors.clear();

  TrainOptions options;
  options.mode = mode;
  options.lora.rank = 16;
  options.lora.alpha = 32;
  options.lora.target_modules = lora_module_names();
  options.batch_size = bench.batch;
  options.grad_accum = 1;
  options.max_length = bench.seq;
  options.epochs = 1;
  options.dtype = bench.dtype;
  options.checkpoint_activations = bench.checkpoint_activations;
  Trainer trainer(options, std::move(model), synthetic_data(bench.batch * (bench.steps + 1), bench.seq, config.vocab_size), 0);
  trainer.train_step();  // warm-up: allocator, oneDNN kernels
  int64_t tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < bench.steps; ++i) tokens += trainer.train_step().tokens;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.1f %.2f\n", tokens / seconds, seconds / bench.steps);
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions bench;
  CLI::App app{"Training throughput and peak memory (LoRA and full fine-tuning)"};
  app.add_option("--modes", bench.modes, "Comma-separated: lora, full")->capture_default_str();
  app.add_option("--preset", bench.preset, "Model shape (model init presets)")->capture_default_str();
  app.add_option("--seq", bench.seq, "Tokens per sequence")->capture_default_str();
  app.add_option("--batch", bench.batch, "Sequences per step")->capture_default_str();
  app.add_option("--steps", bench.steps, "Timed steps (after one warm-up step)")->capture_default_str();
  app.add_option("--threads", bench.threads, "CPU threads (0: one per core)")->capture_default_str();
  app.add_option("--dtype", bench.dtype, "f32 or bf16 (autocast)")->capture_default_str();
  app.add_flag("--checkpoint-activations", bench.checkpoint_activations, "Recompute layers in backward");
  std::string child_mode;  // internal: run one mode in this process (the parent execs itself)
  app.add_option("--child", child_mode)->group("");
  CLI11_PARSE(app, argc, argv);
  if (!child_mode.empty()) {
    run_mode(bench, child_mode);
    return 0;
  }

  const int threads = bench.threads > 0 ? bench.threads : static_cast<int>(std::thread::hardware_concurrency());
  std::printf("machine: %s, %u cores, %d threads, load average %s at start; libtorch %s\n", cpu_name().c_str(),
              std::thread::hardware_concurrency(), threads, load_average().c_str(), TORCH_VERSION);
  std::printf("model: %s, seq %d, batch %d, %d timed steps, dtype %s%s\n\n", bench.preset.c_str(), bench.seq,
              bench.batch, bench.steps, bench.dtype.c_str(),
              bench.checkpoint_activations ? ", activation checkpointing" : "");
  std::printf("| mode | tokens/s | s/step | peak RSS (MiB) |\n|---|---|---|---|\n");
  std::fflush(stdout);
  for (const std::string& mode : split(bench.modes, ',')) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return 2;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(pipe_fds[1], STDOUT_FILENO);
      ::close(pipe_fds[0]);
      try {
        run_mode(bench, mode);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", mode.c_str(), e.what());
        std::fflush(stdout);
        ::_exit(1);
      }
      std::fflush(stdout);
      ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[256];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, n);
    ::close(pipe_fds[0]);
    int status = 0;
    struct rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("| %s | failed (%s %d) | | |\n", mode.c_str(), WIFEXITED(status) ? "exit" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      continue;
    }
    double tokens_per_second = 0, step_seconds = 0;
    std::istringstream(output) >> tokens_per_second >> step_seconds;
    std::printf("| %s | %.0f | %.3g | %.0f |\n", mode.c_str(), tokens_per_second, step_seconds,
                usage.ru_maxrss / 1024.0);
    std::fflush(stdout);
  }
  std::printf("\nload average %s at the end\n", load_average().c_str());
  return 0;
}
