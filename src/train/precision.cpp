#include "train/precision.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>

#include <fstream>
#include <sstream>

#include "util/log.h"

namespace regenesis {

bool cpu_has_native_bf16() {
  if (!at::hasMKLDNN()) return false;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream flags(line.substr(line.find(':') + 1));
    std::string flag;
    while (flags >> flag)
      if (flag == "avx512_bf16" || flag == "amx_bf16") return true;
    return false;
  }
  return false;
}

bool resolve_bf16(const std::string& dtype) {
  if (dtype == "f32") return false;
  const bool native = cpu_has_native_bf16();
  if (dtype == "bf16") {
    if (!native) log_warn("this CPU has no native bfloat16; bf16 autocast is emulated (slower than f32)");
    return true;
  }
  log_info(native ? "dtype auto: bf16 autocast (native bfloat16 on this CPU)"
                  : "dtype auto: float32 (this CPU has no native bfloat16)");
  return native;
}

Bf16Autocast::Bf16Autocast(bool enabled) : enabled_(enabled), previous_(at::autocast::is_cpu_enabled()) {
  if (!enabled_) return;
  at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  at::autocast::set_cpu_enabled(true);
}

Bf16Autocast::~Bf16Autocast() {
  if (!enabled_) return;
  at::autocast::set_cpu_enabled(previous_);
  // The cache of weights cast to bf16 must not outlive this forward: the weights change each step.
  at::autocast::clear_cache();
}

}  // namespace regenesis
