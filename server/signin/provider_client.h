#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/auth_provider.h"
#include "nlohmann/json.hpp"
#include "server/oidc/http_fetcher.h"

namespace warden {

// The endpoints of a provider's discovery document that sign-in uses.
struct ProviderEndpoints {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string device_authorization_endpoint;  // empty: no device flow
};

// What a token endpoint answered with success.
struct ProviderTokens {
  std::string id_token;
  // Keycloak's `refresh_expires_in`: how long the provider's session lives; unset when not
  // sent.
  std::optional<absl::Duration> session_lifetime;
};

// A device authorization (RFC 8628 §3.2).
struct DeviceAuthorization {
  std::string device_code, user_code, verification_uri, verification_uri_complete;
  absl::Duration interval = absl::Seconds(5);
  absl::Time expires_at;
};

// One poll of a device sign-in: pending (with the wait to add after slow_down), or tokens.
struct DevicePoll {
  bool pending = false;
  absl::Duration slow_down = absl::ZeroDuration();
  ProviderTokens tokens;
};

// Warden as an OAuth 2.0 client of auth providers: their discovery documents (cached), the
// token endpoint (code and device grants) and the device authorization endpoint. Client
// authentication: client_secret_basic with the secret read from the provider's file at each
// request (a rotated Kubernetes Secret needs no restart), or none for a public client. Every
// call may block for one HTTP request: call it off gRPC callback threads. Errors never hold
// the secret, a code or a token: UNAVAILABLE when the provider cannot be reached;
// UNAUTHENTICATED when it refuses the grant (with its error code and description);
// FAILED_PRECONDITION when it refuses Warden itself (invalid_client, a missing secret file,
// an unusable discovery document). Thread-safe.
class ProviderClient final {
 public:
  struct Options {
    std::string ca_file;      // CAs for the providers (as for M2M issuers); empty: the system's
    std::string secrets_dir;  // where client_secret_file names live
    absl::Duration discovery_max_age = absl::Minutes(10);
    oidc::FetchOptions fetch;  // timeouts and size limit
  };

  ProviderClient(oidc::HttpFetcher& fetcher, const Clock& clock, Options options);

  absl::StatusOr<ProviderEndpoints> Endpoints(const AuthProvider& provider);
  absl::StatusOr<ProviderTokens> RedeemCode(const AuthProvider& provider, const std::string& code,
                                            const std::string& code_verifier,
                                            const std::string& redirect_uri);
  absl::StatusOr<DeviceAuthorization> StartDevice(const AuthProvider& provider);
  absl::StatusOr<DevicePoll> PollDevice(const AuthProvider& provider,
                                        const std::string& device_code);

  // Drops the cached discovery document of `issuer` (its provider changed or was deleted).
  void Forget(const std::string& issuer);

 private:
  // `form` gets the client's id when it is public; `authorization` its Basic credentials.
  absl::Status Authenticate(const AuthProvider& provider, std::string& form,
                            std::optional<std::string>& authorization) const;
  absl::StatusOr<nlohmann::json> Post(const AuthProvider& provider, const std::string& url,
                                      std::string form);

  oidc::HttpFetcher& fetcher_;
  const Clock& clock_;
  const Options options_;
  struct Cached {
    ProviderEndpoints endpoints;
    absl::Time fetched_at;
  };
  absl::Mutex mu_;
  std::map<std::string, Cached> discovery_ ABSL_GUARDED_BY(mu_);
};

// `text` percent-encoded for application/x-www-form-urlencoded and URL queries (RFC 3986
// unreserved characters kept, everything else %XX).
std::string FormEncode(std::string_view text);

}  // namespace warden
