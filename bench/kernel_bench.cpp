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
#include <map>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "model/cpu_features.h"
#include "model/cpu_kernels.h"
#include "model/amx_bf16.h"
#include "model/packed_bf16.h"
#include "util/strings.h"

namespace regenesis::bench {
namespace {

// One decode step's products in the engine's order and grouping (q, k, v in one call, gate and
// up in one), each layer with its own weights, so every step streams all 269 MB from memory as
// decoding does (weights reused from cache would flatter every kernel).
struct Group {
  std::vector<at::Tensor> weights;  // [out, in] bfloat16, same `in`
  std::vector<kernels::PackedBf16> packed;
};

// SmolLM2-135M: hidden 576, 9 query heads and 3 key/value heads of 64, MLP 1536, vocab 49152.
std::vector<Group> decode_step_groups() {
  const std::vector<std::vector<int64_t>> layer = {{576, 192, 192}, {576}, {1536, 1536}};
  std::vector<Group> groups;
  auto add = [&](const std::vector<int64_t>& outs, int64_t in) {
    Group g;
    for (int64_t out : outs) {
      g.weights.push_back(at::randn({out, in}).mul_(0.05).to(at::kBFloat16));
      g.packed.push_back(kernels::pack_bf16(g.weights.back()));
    }
    groups.push_back(std::move(g));
  };
  for (int l = 0; l < 30; ++l) {
    add({576, 192, 192}, 576);
    add({576}, 576);
    add({1536, 1536}, 576);
    add({576}, 1536);
  }
  add({49152}, 576);
  return groups;
}

double seconds_per_call(const std::function<void()>& call) {
  call();
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  int reps = 0;
  double elapsed = 0;
  while (elapsed < 0.5 || reps < 3) {
    call();
    ++reps;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  return elapsed / reps;
}

enum class Kernel { Packed, Amx, Aten };

double step_seconds(std::vector<Group>& groups, int64_t rows, Kernel kernel) {
  std::map<int64_t, at::Tensor> inputs;  // by width
  std::vector<std::vector<at::Tensor>> outs(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    const int64_t in = groups[g].weights[0].size(1);
    if (!inputs.count(in)) inputs[in] = at::randn({rows, in}).to(at::kBFloat16);
    for (const at::Tensor& w : groups[g].weights) outs[g].push_back(at::empty({rows, w.size(0)}));
  }
  return seconds_per_call([&] {
    for (size_t g = 0; g < groups.size(); ++g) {
      const at::Tensor& x = inputs[groups[g].weights[0].size(1)];
      if (kernel == Kernel::Aten) {
        for (const at::Tensor& w : groups[g].weights) at::linear(x, w);
        continue;
      }
      std::vector<kernels::LinearOutput> o;
      std::vector<const kernels::PackedBf16*> p;
      for (size_t j = 0; j < groups[g].weights.size(); ++j) {
        o.push_back({&groups[g].weights[j], nullptr, outs[g][j].data_ptr<float>(), outs[g][j].size(1), false,
                     &groups[g].packed[j]});
        p.push_back(&groups[g].packed[j]);
      }
      if (kernel == Kernel::Amx)
        kernels::linear_amx_bf16(x, o, p);
      else
        kernels::linear_packed_bf16(x, o, p);
    }
  });
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
  const bool amx = kernels::amx_tiles_usable();
  std::vector<bench::Group> groups = bench::decode_step_groups();
  std::printf("| rows | packed kernel ms/step | tok/s | AMX tiles ms/step | tok/s | at::linear (oneDNN) ms/step | tok/s |\n"
              "|---|---|---|---|---|---|---|\n");
  for (const std::string& r : split(rows_text, ',')) {
    const int64_t rows = std::stoll(r);
    const double packed = bench::step_seconds(groups, rows, bench::Kernel::Packed);
    const double tiles = amx ? bench::step_seconds(groups, rows, bench::Kernel::Amx) : 0;
    const double aten = bench::step_seconds(groups, rows, bench::Kernel::Aten);
    std::printf("| %lld | %.2f | %.0f | ", static_cast<long long>(rows), packed * 1e3, rows / packed);
    if (amx)
      std::printf("%.2f | %.0f | ", tiles * 1e3, rows / tiles);
    else
      std::printf("- | - | ");
    std::printf("%.2f | %.0f |\n", aten * 1e3, rows / aten);
    std::fflush(stdout);
  }
  return 0;
}
