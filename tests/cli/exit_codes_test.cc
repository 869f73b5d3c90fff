// Exit codes and the one-line error messages.

#include "client/wardenctl/exit_codes.h"

#include <catch2/catch.hpp>

namespace warden::cli {
namespace {

const ErrorContext kContext{.endpoint = "127.0.0.1:8443"};

TEST_CASE("exit codes: 0 ok, 1 usage or local, 2 server said no, 3 unreachable") {
  CHECK(ExitCodeFor(absl::OkStatus()) == 0);
  CHECK(ExitCodeFor(UsageError("bad", "wardenctl")) == 1);
  CHECK(ExitCodeFor(LocalError(absl::NotFoundError("no file"))) == 1);
  CHECK(ExitCodeFor(absl::UnauthenticatedError("x")) == 2);
  CHECK(ExitCodeFor(absl::PermissionDeniedError("x")) == 2);
  CHECK(ExitCodeFor(absl::NotFoundError("x")) == 2);
  CHECK(ExitCodeFor(absl::InvalidArgumentError("x")) == 2);
  CHECK(ExitCodeFor(absl::InternalError("x")) == 2);
  CHECK(ExitCodeFor(absl::UnavailableError("x")) == 3);
  CHECK(ExitCodeFor(absl::DeadlineExceededError("x")) == 3);
}

TEST_CASE("server errors name the gRPC code and what to do") {
  CHECK(ErrorLine(absl::UnauthenticatedError("token has expired"), kContext) ==
        "wardenctl: UNAUTHENTICATED: token has expired — run `wardenctl login` or pass --token");
  ErrorContext login = kContext;
  login.logging_in = true;
  CHECK(ErrorLine(absl::UnauthenticatedError("invalid user name or password"), login) ==
        "wardenctl: UNAUTHENTICATED: invalid user name or password — check the admin password "
        "(--password-file)");
  CHECK(ErrorLine(absl::PermissionDeniedError("missing READ_ACCESS on Integration"), kContext) ==
        "wardenctl: PERMISSION_DENIED: missing READ_ACCESS on Integration — these credentials "
        "lack that permission; use a token whose roles grant it");
  CHECK(ErrorLine(absl::InvalidArgumentError("name is empty"), kContext) ==
        "wardenctl: INVALID_ARGUMENT: name is empty");
  CHECK(ErrorLine(absl::UnavailableError("failed to connect to all addresses"), kContext) ==
        "wardenctl: UNAVAILABLE: cannot reach Warden at 127.0.0.1:8443: failed to connect to all "
        "addresses; is the server running? (--endpoint / WARDEN_ENDPOINT)");
  CHECK(ErrorLine(absl::DeadlineExceededError("Deadline Exceeded"), kContext)
            .find("DEADLINE_EXCEEDED: cannot reach Warden at 127.0.0.1:8443") != std::string::npos);
}

TEST_CASE("usage and local errors have no code and every error stays on one line") {
  CHECK(ErrorLine(UsageError("wardenctl token: x", "wardenctl token"), kContext) ==
        "wardenctl token: x (see `wardenctl token --help`)");
  CHECK(ErrorLine(LocalError(absl::NotFoundError("cannot read f")), kContext) ==
        "wardenctl: cannot read f");
  CHECK(ErrorLine(absl::InternalError("line one\nline two"), kContext) ==
        "wardenctl: INTERNAL: line one line two");
}

}  // namespace
}  // namespace warden::cli
