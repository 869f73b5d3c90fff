#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/wardenctl/command.h"

namespace warden::cli {

// Parses `args` (argv without the program name) against the command tree under `root`.
// Words select subcommands until a leaf; later words are positional arguments. Flags may
// come anywhere: `global_flags` always, a command's own flags once that command is
// selected (hiding a global flag of the same name). `--` ends the flags. A switch takes
// no value; `--all=false` is an error.
//
// Returns a usage error (IsUsageError) for an unknown command or flag, a flag without its
// value, a value outside the flag's choices, a non-repeated flag given twice, or the wrong
// number of positional arguments. With -h/--help anywhere, returns the invocation with
// `help` set and no error, so the help of the deepest command named is shown.
absl::StatusOr<Invocation> ParseCommandLine(const Command& root,
                                            const std::vector<FlagSpec>& global_flags,
                                            const std::vector<std::string>& args);

}  // namespace warden::cli
