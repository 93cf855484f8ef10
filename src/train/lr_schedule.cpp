#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace regenesis {

double LrSchedule::at(int64_t step) const {
  if (step < warmup_steps) return peak * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup_steps));
  if (kind == "constant") return peak;
  const double decay_steps = static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  const double progress = static_cast<double>(step - warmup_steps) / decay_steps;
  if (kind == "linear") return peak * std::max(0.0, 1.0 - progress);
  if (kind == "cosine") return peak * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
  fail("unknown learning-rate schedule '", kind, "' (expected cosine, linear or constant)");
}

int64_t warmup_steps_for(double ratio, int64_t total_steps) {
  return static_cast<int64_t>(std::ceil(ratio * static_cast<double>(total_steps)));
}

}  // namespace regenesis
