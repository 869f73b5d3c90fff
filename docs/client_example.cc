// How a service checks the Warden tokens its own callers present, with warden::Client.
//
// A service that receives `authorization: Bearer <token>` from its callers asks Warden
// whose token it is (AuthService.ValidateToken) and decides from the identity's
// permissions. The service authenticates to Warden with its own token.
//
// Built with the project (target warden_client_example). Try it:
//   WARDEN_TOKEN_FILE=service.token ./warden_client_example 127.0.0.1:8443 < caller.token
// It prints the caller's identity, or why the token was refused, and exits 0 only if the
// caller may read Detection.

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/client.h"

namespace {

// The check a service would run in each RPC handler: `authorization` is the caller's
// header value. Returns the caller's identity if it may read `resource`;
// UNAUTHENTICATED / PERMISSION_DENIED / UNAVAILABLE otherwise, ready to return as is.
absl::StatusOr<warden::v1::Identity> AuthorizeCaller(warden::Client& warden,
                                                     const std::string& authorization,
                                                     const std::string& resource) {
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(authorization, kBearer)) {
    return absl::UnauthenticatedError("send 'authorization: Bearer <warden token>'");
  }
  // Validation needs no database on Warden's side and is retried on UNAVAILABLE.
  absl::StatusOr<warden::v1::Identity> caller =
      warden.ValidateToken(authorization.substr(kBearer.size()));
  if (!caller.ok()) return caller.status();
  auto level = caller->permissions().find(resource);
  if (level == caller->permissions().end() ||
      level->second < warden::v1::ACCESS_LEVEL_READ_ACCESS) {
    return absl::PermissionDeniedError(absl::StrCat("needs read access to ", resource));
  }
  return caller;
}

}  // namespace

int main(int argc, char** argv) {
  warden::ClientOptions options;
  if (argc > 1) options.endpoint = argv[1];
  options.timeout = absl::Seconds(2);  // a request path: fail fast rather than queue
  // The service's own credentials; TLS would add: options.use_tls = true;
  // options.ca_file = "/etc/warden/ca.pem";
  const char* token_file = std::getenv("WARDEN_TOKEN_FILE");
  if (token_file == nullptr) {
    std::cerr << "set WARDEN_TOKEN_FILE to the service's own token file\n";
    return 1;
  }
  absl::StatusOr<warden::Credentials> credentials = warden::Credentials::FromTokenFile(token_file);
  if (!credentials.ok()) {
    std::cerr << credentials.status() << "\n";
    return 1;
  }
  options.credentials = *credentials;
  // One client per process: it is thread-safe and keeps one connection.
  absl::StatusOr<std::unique_ptr<warden::Client>> warden = warden::Client::Create(options);
  if (!warden.ok()) {
    std::cerr << warden.status() << "\n";
    return 1;
  }

  std::string presented;
  std::getline(std::cin, presented);
  absl::StatusOr<warden::v1::Identity> caller =
      AuthorizeCaller(**warden, "Bearer " + presented, "Detection");
  if (!caller.ok()) {
    std::cout << "refused: " << absl::StatusCodeToString(caller.status().code()) << ": "
              << caller.status().message() << "\n";
    return 2;
  }
  std::cout << "caller " << caller->name() << " (" << caller->id() << ") may read Detection\n";
  return 0;
}
