#pragma once

#include <string>
#include <vector>

#include "client/wardenctl/command.h"

namespace warden::cli {

// The --help text of the last command in `path` (root first): description, usage, its
// subcommands or arguments, its flags, the global flags, examples. Ends with a newline.
// REQUIRES: `path` is not empty.
std::string RenderHelp(const std::vector<const Command*>& path,
                       const std::vector<FlagSpec>& global_flags);

}  // namespace warden::cli
