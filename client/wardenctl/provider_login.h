#pragma once

// `wardenctl login --provider NAME`: a person signs in as themselves through an auth
// provider (AuthProviderService), in a browser through a loopback redirect (RFC 8252) or,
// with --device, on any device with a code (RFC 8628). Either way wardenctl keeps what
// `wardenctl login` keeps: the Warden session token, its id and expiry, and the endpoint.

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/wardenctl/session.h"
#include "warden/v1/auth_provider.pb.h"

namespace warden::cli {

// The stderr line that carries the authorization URL; tests read it by this prefix.
inline constexpr char kOpenUrlPrefix[] = "Open this URL to sign in: ";
// How long `login --provider` waits for the browser unless --timeout says otherwise.
inline constexpr absl::Duration kDefaultSignInWait = absl::Minutes(5);

// Runs `login --provider NAME [--device] [--no-browser] [--timeout D]`. Errors: a usage
// error for a bad flag; UNAUTHENTICATED (exit 2) when the callback's state is missing or
// not the one StartSignIn returned, when the provider sends `error`, or when Warden refuses
// the code; PERMISSION_DENIED (exit 2, the server's words alone) when the provider's rules
// grant no role; a local error (exit 1) when nothing comes back in time or the session
// file cannot be written (the new session is then signed out again).
absl::Status RunProviderLogin(Session& session);

// "wardenctl on <hostname>", cut to the 64 characters a session name may have, control
// characters replaced by '?'.
std::string SignInSessionName(const std::string& hostname);

// "Signed in as <name> (<provider>) with roles A, B; the session expires at <RFC 3339>".
std::string SignedInLine(const v1::SignInSession& session, const std::string& provider);

// How long to wait before the next CompleteDeviceSignIn: the provider's interval (5 s when
// it names none, RFC 8628), raised by every `slow_down` so far.
absl::Duration DevicePollInterval(int interval_seconds, int slow_down_seconds_so_far);

}  // namespace warden::cli
