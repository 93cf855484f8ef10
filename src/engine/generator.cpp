#include "engine/generator.h"

namespace regenesis {

const char* finish_reason_name(FinishReason reason) {
  return reason == FinishReason::Stop ? "stop" : "length";
}

}  // namespace regenesis
