#pragma once
// `regenesis toy <command>`: the toy world's commands. Each registers itself here the way top-level
// commands use REGENESIS_COMMAND, so a new one (toy pretrain, toy experiment) is a new file
// cmd_toy_<name>.cpp and touches nothing else.
#include "cli/command.h"

namespace regenesis::cli {

bool register_toy_command(CommandInfo info);

}  // namespace regenesis::cli

#define REGENESIS_TOY_COMMAND(name, description, setup)                                  \
  static const bool REGENESIS_CONCAT(regenesis_toy_command_registered_, __LINE__) =      \
      ::regenesis::cli::register_toy_command({name, description, setup})
