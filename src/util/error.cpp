#include "util/error.h"

namespace regenesis {

void fail_at(const std::string& path, long line, const std::string& message) {
  if (line > 0) throw Error(path + ":" + std::to_string(line) + ": " + message);
  throw Error(path + ": " + message);
}

}  // namespace regenesis
