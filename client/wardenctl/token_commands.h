#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl token create|list|get|revoke|allowed-roles`: TokenService, one subcommand per
// method. `token create` is the only command that ever outputs a token: on stdout, or
// only in --output-file (0600) when that is given.
Command TokenCommand();

}  // namespace warden::cli
