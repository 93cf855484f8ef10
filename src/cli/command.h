#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself with REGENESIS_COMMAND, so
// adding a command touches no shared file.
#include <CLI/CLI.hpp>
#include <functional>

namespace regenesis::cli {

// Sets up the subcommand's flags on `sub` and its callback (sub->callback(...)).
using CommandSetup = std::function<void(CLI::App& sub)>;

struct CommandInfo {
  const char* name;
  const char* description;
  CommandSetup setup;
};

bool register_command(CommandInfo info);

}  // namespace regenesis::cli

#define REGENESIS_CONCAT_INNER(a, b) a##b
#define REGENESIS_CONCAT(a, b) REGENESIS_CONCAT_INNER(a, b)
#define REGENESIS_COMMAND(name, description, setup)                                      \
  static const bool REGENESIS_CONCAT(regenesis_command_registered_, __LINE__) =          \
      ::regenesis::cli::register_command({name, description, setup})
