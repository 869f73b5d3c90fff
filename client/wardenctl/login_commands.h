#pragma once

#include <string>

#include "client/wardenctl/command.h"
#include "warden/v1/auth.pb.h"

namespace warden::cli {

// `wardenctl login`: trades the admin password (asked without echo, or --password-file)
// for a short-lived token with the Admin role (--lifetime, default 12h) named
// "wardenctl login <user>@<host>", and stores only that token and the endpoint in the
// session file (0600). The password is never stored, printed or logged. With --provider,
// a person signs in through an auth provider instead (client/wardenctl/provider_login.h).
Command LoginCommand();

// `wardenctl logout`: ends the session token (AuthService.SignOut) and removes the session
// file.
Command LogoutCommand();

// `wardenctl whoami`: the caller's identity (kind, id, name, roles, expiry) and resolved
// permissions, from AuthService.GetAuthStatus.
Command WhoamiCommand();

// What `whoami` prints for `identity` as a table: its fields (with PROVIDER for a person),
// the claims sign-in used (CLAIM / VALUES), then RESOURCE / ACCESS.
std::string RenderWhoami(const v1::Identity& identity);

}  // namespace warden::cli
