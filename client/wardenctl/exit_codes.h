#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace warden::cli {

// wardenctl's documented exit codes (docs/wardenctl.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,        // a wrong command line, or a local problem (a file, no terminal)
  kExitRejected = 2,     // Warden answered with an error
  kExitUnreachable = 3,  // Warden could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED)
};

// A mistake on the command line. The message gets "(see `<command_line> --help`)".
absl::Status UsageError(const std::string& message, const std::string& command_line);
// A problem on this machine (a file that cannot be read or written, no terminal to ask for
// a password): exit 1, whatever `status`'s code. REQUIRES: !status.ok().
absl::Status LocalError(const absl::Status& status);
bool IsUsageError(const absl::Status& status);
bool IsLocalError(const absl::Status& status);

// The exit code for a command's final status: 0 for OK, 1 for usage and local errors, 3
// for UNAVAILABLE and DEADLINE_EXCEEDED from the server, 2 for any other server code.
int ExitCodeFor(const absl::Status& status);

// What the one-line error message needs to know about the invocation.
struct ErrorContext {
  std::string endpoint;     // where wardenctl tried to reach Warden
  bool logging_in = false;  // UNAUTHENTICATED means a wrong password, not a stale token
  // What to do about NOT_FOUND, e.g. "check the name (`wardenctl role list`)"; empty: the
  // token commands' hint.
  std::string not_found_hint = {};
  // What to do about UNAUTHENTICATED when it is not about the caller's credentials (m2m
  // exchange: the ID token was refused); empty: log in or pass a token.
  std::string unauthenticated_hint = {};
  // What to do about PERMISSION_DENIED; nullopt: use a token whose roles grant it; "": say
  // nothing more than the server (a sign-in whose rules grant no role).
  std::optional<std::string> permission_denied_hint = std::nullopt;
};

// The one line (no newline) printed on stderr for a failed command: for usage errors their
// message (which starts with the command line); otherwise "wardenctl: " then, for server
// errors, the gRPC code name, the server's message and what to do about it.
// Control characters in messages become spaces, so it stays one line.
// REQUIRES: !status.ok().
std::string ErrorLine(const absl::Status& status, const ErrorContext& context);

}  // namespace warden::cli
