// `regenesis version`: what this build is and what it runs on.
#include <cstdio>

#include "cli/command.h"

namespace regenesis::cli {
namespace {

void setup(CLI::App& sub) {
  sub.callback([] { std::printf("regenesis 0.1.0\n"); });
}

REGENESIS_COMMAND("version", "Print the version", setup);

}  // namespace
}  // namespace regenesis::cli
