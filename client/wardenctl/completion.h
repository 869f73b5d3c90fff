#pragma once

#include <string>
#include <vector>

#include "client/wardenctl/command.h"

namespace warden::cli {

// A bash completion script for the tree under `root`: command words at each level, each
// command's flags and the global flags, the choices of flags that have them, and file
// names for flags whose value is a path. Load it with `source <(wardenctl completion bash)`.
std::string BashCompletionScript(const Command& root, const std::vector<FlagSpec>& global_flags);

// `wardenctl completion bash`.
Command CompletionCommand();

}  // namespace warden::cli
