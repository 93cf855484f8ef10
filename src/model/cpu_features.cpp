#include "model/cpu_features.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace regenesis {

namespace {

// The "flags" and "model name" lines of the first processor in /proc/cpuinfo (Linux; empty elsewhere).
void read_cpuinfo(std::string& model_name, std::string& flags) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "model name" && model_name.empty()) model_name = value;
    if (key == "flags" && flags.empty()) flags = value;
    if (!model_name.empty() && !flags.empty()) return;
  }
}

bool has_flag(const std::string& flags, const std::string& flag) {
  std::istringstream words(flags);
  std::string word;
  while (words >> word)
    if (word == flag) return true;
  return false;
}

CpuFeatures detect() {
  CpuFeatures f;
  std::string flags;
  read_cpuinfo(f.model_name, flags);
#if defined(__x86_64__) || defined(__i386__)
  // CPUID (through the compiler's builtin) is the authority for what our code may execute; the
  // kernel's flags line only adds AMX, which the builtin of older compilers does not know.
  __builtin_cpu_init();
  f.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("fma");
  f.avx512_bf16 = f.avx512 && __builtin_cpu_supports("avx512bf16");
#endif
  f.amx_bf16 = has_flag(flags, "amx_bf16");
  f.logical_cores = static_cast<int>(std::thread::hardware_concurrency());
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

std::string resolve_dtype_name(const std::string& name) {
  if (name != "auto") return name;
  return cpu_features().native_bf16() ? "bf16" : "f32";
}

namespace {
std::string kernels_override() {
  const char* value = std::getenv("REGENESIS_KERNELS");
  return value ? value : "";
}
}  // namespace

bool simd_kernels_disabled() {
  static const bool disabled = kernels_override() == "generic";
  return disabled;
}

bool amx_kernels_allowed() {
  static const bool enabled = cpu_features().amx_bf16 && kernels_override() != "generic" &&
                              kernels_override() != "no-amx";
  return enabled;
}

}  // namespace regenesis
