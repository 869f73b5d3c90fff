#pragma once

#include <string>

#include "client/wardenctl/command.h"
#include "warden/v1/token.pb.h"

namespace warden::cli {

// `wardenctl token create|list|get|revoke|allowed-roles`: TokenService, one subcommand per
// method. `token create` is the only command that ever outputs a token: on stdout, or
// only in --output-file (0600) when that is given.
Command TokenCommand();

// The CREATED BY cell of `token list` and `token get`: the creator's name when the server
// recorded it (created_by_name: a person's name, "admin", the minting token's name), else
// who created it (created_by: `user:admin`, `token:<id>`, ...).
std::string CreatorCell(const v1::TokenMetadata& token);

}  // namespace warden::cli
