#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl login`: trades the admin password (asked without echo, or --password-file)
// for a short-lived token with the Admin role (--lifetime, default 12h) named
// "wardenctl login <user>@<host>", and stores only that token and the endpoint in the
// session file (0600). The password is never stored, printed or logged.
Command LoginCommand();

// `wardenctl logout`: revokes the session token and removes the session file.
Command LogoutCommand();

// `wardenctl whoami`: the caller's identity (kind, id, name, roles, expiry) and resolved
// permissions, from AuthService.GetAuthStatus.
Command WhoamiCommand();

}  // namespace warden::cli
