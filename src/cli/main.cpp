// The regenesis binary: parses the command line and dispatches to the registered subcommands.
// Exit codes: 0 success, 1 user error (bad flags, bad input files), 2 internal error.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "cli/command.h"
#include "util/error.h"

namespace regenesis::cli {

static std::vector<CommandInfo>& registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

bool register_command(CommandInfo info) {
  registry().push_back(std::move(info));
  return true;
}

}  // namespace regenesis::cli

int main(int argc, char** argv) {
  using namespace regenesis;
  CLI::App app{"regenesis: self-improvement of language models by training on their own "
               "reasoning paths (ReGenesis and baselines)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "regenesis 0.1.0");
  auto commands = cli::registry();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return std::string(a.name) < b.name; });
  for (auto& command : commands) command.setup(*app.add_subcommand(command.name, command.description));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
