// The linears of one decode step of a SmolLM-135M-shaped model (30 layers of q, k, v, o, gate,
// up, down, and the tied lm_head), bfloat16, timed through the engine's packed kernel
// (model/packed_bf16.h) and through ATen's at::linear (oneDNN, which uses AMX where the CPU has
// it). Prints the tokens/s each allows at several batch sizes: a ceiling for decode, and the
// evidence for which kernel a machine should use (bench/README.md, "AMX hosts").
//
//   kernel_bench [--threads 0] [--rows 1,8,32,64]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "model/cpu_features.h"
#include "model/cpu_kernels.h"
#include "model/packed_bf16.h"
#include "util/strings.h"

namespace regenesis::bench {
namespace {

struct Shape {
  int64_t out, in;  // W [out, in]
  int count;        // times per decode step
};

// SmolLM2-135M: hidden 576, 9 query heads and 3 key/value heads of 64, MLP 1536, vocab 49152.
const std::vector<Shape> kShapes = {{576, 576, 60}, {192, 576, 60}, {1536, 576, 60}, {576, 1536, 30},
                                    {49152, 576, 1}};

double seconds_per_call(const std::function<void()>& call) {
  for (int i = 0; i < 3; ++i) call();
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  int reps = 0;
  double elapsed = 0;
  while (elapsed < 0.25) {
    call();
    ++reps;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  return elapsed / reps;
}

struct StepTimes {
  double packed = 0, aten = 0;  // seconds per decode step
};

StepTimes time_step(int64_t rows) {
  StepTimes t;
  for (const Shape& s : kShapes) {
    const at::Tensor w = at::randn({s.out, s.in}).to(at::kBFloat16);
    const at::Tensor x = at::randn({rows, s.in}).to(at::kBFloat16);
    at::Tensor out = at::empty({rows, s.out}, at::TensorOptions().dtype(at::kFloat));
    const kernels::PackedBf16 packed = kernels::pack_bf16(w);
    kernels::LinearOutput o{&w, nullptr, out.data_ptr<float>(), s.out, false, &packed};
    t.packed += s.count * seconds_per_call([&] { kernels::linear(x, {o}); });
    t.aten += s.count * seconds_per_call([&] { at::linear(x, w); });
  }
  return t;
}

}  // namespace
}  // namespace regenesis::bench

int main(int argc, char** argv) {
  using namespace regenesis;
  int threads = 0;
  std::string rows_text = "1,8,32,64";
  CLI::App app{"Decode-step linears of a SmolLM-135M shape: packed bf16 kernel vs at::linear (oneDNN)"};
  app.add_option("--threads", threads, "CPU threads (0 = one per core)")->capture_default_str();
  app.add_option("--rows", rows_text, "Batch sizes (rows of x)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const CpuFeatures& cpu = cpu_features();
  at::set_num_threads(threads > 0 ? threads : std::max(1, cpu.logical_cores));
  if (!kernels::simd_available(at::kBFloat16)) {
    std::fprintf(stderr, "kernel_bench: this CPU has no AVX512_BF16, so the packed kernel does not run\n");
    return 1;
  }
  std::printf("CPU: %s; threads %d; avx512_bf16 %s, amx_bf16 %s\n\n", cpu.model_name.c_str(), at::get_num_threads(),
              cpu.avx512_bf16 ? "yes" : "no", cpu.amx_bf16 ? "yes" : "no");
  std::printf("| rows | packed kernel ms/step | tok/s | at::linear (oneDNN) ms/step | tok/s |\n|---|---|---|---|---|\n");
  for (const std::string& r : split(rows_text, ',')) {
    const int64_t rows = std::stoll(r);
    const bench::StepTimes t = bench::time_step(rows);
    std::printf("| %lld | %.2f | %.0f | %.2f | %.0f |\n", static_cast<long long>(rows), t.packed * 1e3,
                rows / t.packed, t.aten * 1e3, rows / t.aten);
    std::fflush(stdout);
  }
  return 0;
}
