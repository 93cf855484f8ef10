#pragma once
// Learning-rate schedules as Hugging Face transformers defines them (get_scheduler): a linear
// warmup from 0, then cosine decay to 0, linear decay to 0, or constant. No torch here.
#include <cstdint>
#include <string>

namespace regenesis {

struct LrSchedule {
  std::string kind = "cosine";  // cosine | linear | constant
  double peak = 0;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;

  // The rate of optimizer update `step` (0-based), as HF's LambdaLR gives it: the first update
  // uses step 0, so with warmup it has rate 0 (transformers does the same).
  double at(int64_t step) const;
};

// ceil(ratio * total_steps), as transformers' TrainingArguments.get_warmup_steps.
int64_t warmup_steps_for(double ratio, int64_t total_steps);

}  // namespace regenesis
