#pragma once

#include <vector>

#include "client/wardenctl/command.h"

namespace warden::cli {

// The flags every wardenctl command accepts (endpoint, credentials, TLS, timeout, output).
const std::vector<FlagSpec>& GlobalFlags();

// wardenctl's whole command tree; the root's name is "wardenctl".
Command BuildRootCommand();

}  // namespace warden::cli
