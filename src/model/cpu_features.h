#pragma once
// What the CPU can do for the inference kernels, detected once at run time, and a description of
// the machine for logs and benchmark tables. No torch here.
#include <string>

namespace regenesis {

struct CpuFeatures {
  bool avx512 = false;       // AVX-512 F+BW+VL+DQ and FMA: the float32 kernels (model/cpu_kernels.h)
  bool avx512_bf16 = false;  // AVX512_BF16 (vdpbf16ps): the bfloat16 kernels
  bool amx_bf16 = false;     // AMX-BF16 tiles: the bfloat16 products run on them (amx_kernels_allowed)
  std::string model_name;    // /proc/cpuinfo "model name"
  int logical_cores = 0;     // std::thread::hardware_concurrency()

  // Native bfloat16 arithmetic (so a bf16 model is faster than float32, not only smaller).
  bool native_bf16() const { return avx512_bf16 || amx_bf16; }
};

const CpuFeatures& cpu_features();

// "f32" or "bf16": "auto" resolves to bf16 where the CPU has native bf16, else f32; other names
// are returned as given (the caller validates them).
std::string resolve_dtype_name(const std::string& name);

// Environment override for tests and comparisons: REGENESIS_KERNELS=generic disables the
// hand-written AVX-512 kernels (every op then goes through ATen / portable loops).
bool simd_kernels_disabled();

// True where the bfloat16 products may run on AMX tiles: the CPU has AMX-BF16 and
// REGENESIS_KERNELS is neither "generic" nor "no-amx" ("no-amx" keeps the vdpbf16ps kernel, for
// comparisons).
bool amx_kernels_allowed();

}  // namespace regenesis
