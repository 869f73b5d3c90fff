#pragma once

#include "client/wardenctl/command.h"
#include "client/wardenctl/m2m_config_input.h"

namespace warden::cli {

// `wardenctl m2m config list|get|add|update|delete` (AuthService's machine-to-machine
// configurations: which OIDC issuers Warden trusts and which claims map to which roles) and
// `wardenctl m2m exchange` (trade an ID token from such an issuer for a Warden token).
Command M2mCommand();

}  // namespace warden::cli
