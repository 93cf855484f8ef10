#include "store/kill_switch.h"

#include <csignal>
#include <cstdlib>

namespace regenesis::kill_switch {
namespace {
long env_number(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? std::atol(value) : 0;
}
}  // namespace

void maybe_kill(Point point, long commit_number) {
  static const long in_commit = env_number("REGENESIS_TEST_KILL_IN_COMMIT");
  static const long after_commit = env_number("REGENESIS_TEST_KILL_AFTER_COMMITS");
  long target = point == Point::InsideCommit ? in_commit : after_commit;
  if (target > 0 && commit_number == target) std::raise(SIGKILL);
}

}  // namespace regenesis::kill_switch
