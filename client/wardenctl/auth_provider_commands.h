#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl auth-provider list|get|add|update|delete` (AuthProviderService): the OIDC
// identity providers people sign in through, and the rules that map their claims to roles.
// get, update and delete take a provider's name or id.
Command AuthProviderCommand();

}  // namespace warden::cli
