#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "domain/identity.h"
#include "server/audit/audit_trail.h"
#include "server/oidc/id_token.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/signin/auth_provider_view.h"
#include "server/signin/provider_client.h"
#include "storage/auth_provider_records.h"
#include "storage/token_records.h"
#include "validation/jose/key_ring.h"

namespace warden {

// A person's Warden session, as sign-in hands it out.
struct SignedInSession {
  std::string token;  // the only copy; never stored or logged
  std::string token_id;
  absl::Time expires_at;
  Identity identity;  // kind kUser
};

// People signing in through auth providers (SPEC §6a): the authorization-code flow with PKCE,
// `state` and `nonce` (the console, `wardenctl login`), and the device flow (RFC 8628).
//
// Nothing is kept between Start and Complete but what the client holds: the `state` is
// signed by Warden (server/signin/sign_in_state.h) and names the provider, the redirect URI
// and the nonce; the client keeps the PKCE verifier. Complete marks the state used in
// storage (each works once, on every replica) before it redeems the code.
//
// The ID token is verified by the M2M code (server/oidc): signature by the issuer's keys,
// `iss`, `aud` containing the client id (and `azp` naming it when there are several), `exp`,
// and here its `nonce`. The provider's rules then give the roles (their union, plus the
// minimum role; None never counts); a person with none is refused (PERMISSION_DENIED). The
// session is a Warden token naming the person ("<provider>:<sub>"), the provider and its
// revision, stored like a minted token (created by the person) so that it can be listed and
// revoked. It lives `session_lifetime`, or less when the provider says its session ends
// sooner (`refresh_expires_in`).
//
// Network work runs on `blocking_pool` (RESOURCE_EXHAUSTED when its queue is full); callbacks
// run exactly once, inline for invalid input, else on the pool or a storage thread. Thread-safe.
class SignInAuthority final {
 public:
  struct Options {
    std::string issuer;    // Warden's `iss`
    std::string audience;  // Warden's `aud`
    absl::Duration leeway = absl::Seconds(60);
    absl::Duration session_lifetime = absl::Hours(12);  // WARDEN_SESSION_LIFETIME
    std::string ca_file;                                // CAs for the providers
    int max_live_tokens_per_root = 0;
  };
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  SignInAuthority(const AuthProviderView& view, ProviderClient& providers,
                  oidc::IssuerKeyCache& keys, storage::SignInStateRecords& states,
                  storage::TokenRecords& tokens, const jose::KeyRing& signer,
                  ThreadPool& blocking_pool, AuditTrail& audit, const Clock& clock,
                  Options options);

  // Every provider's name, sorted: what the sign-in page offers.
  std::vector<std::string> ProviderNames() const;

  struct Started {
    std::string authorization_url;
    std::string state;
    std::string code_verifier;
  };
  // NOT_FOUND for an unknown provider; INVALID_ARGUMENT for a redirect URI that is neither
  // https nor http on a loopback address.
  void Start(const std::string& provider, const std::string& redirect_uri, Done<Started> done);
  void Complete(const std::string& state, const std::string& code, const std::string& code_verifier,
                const std::string& session_name, Done<SignedInSession> done);

  void StartDevice(const std::string& provider, Done<DeviceAuthorization> done);
  struct DeviceResult {
    bool pending = false;
    absl::Duration slow_down = absl::ZeroDuration();
    std::optional<SignedInSession> session;
  };
  void CompleteDevice(const std::string& provider, const std::string& device_code,
                      const std::string& session_name, Done<DeviceResult> done);

 private:
  // Verifies the ID token the provider's token endpoint sent (and its nonce, when `nonce` is
  // set), then issues the session. On the pool.
  void FinishSignIn(const AuthProviderEntry& entry, const ProviderTokens& tokens,
                    const std::optional<std::string>& nonce, const std::string& session_name,
                    Done<SignedInSession> done);
  absl::StatusOr<oidc::VerifiedIdToken> VerifyIdToken(const AuthProvider& provider,
                                                      const std::string& id_token,
                                                      const std::optional<std::string>& nonce);
  void Submit(std::function<void()> task, const std::function<void(absl::Status)>& on_full);

  const AuthProviderView& view_;
  ProviderClient& providers_;
  oidc::IssuerKeyCache& keys_;
  storage::SignInStateRecords& states_;
  storage::TokenRecords& tokens_;
  const jose::KeyRing& signer_;
  ThreadPool& blocking_pool_;
  AuditTrail& audit_;
  const Clock& clock_;
  const Options options_;
};

// Checks a sign-in's redirect URI: an absolute https URL, or http on a loopback address
// (RFC 8252 §7.3: 127.0.0.1, [::1], localhost); no fragment, no user info, at most 2048
// characters. INVALID_ARGUMENT otherwise.
absl::Status ValidateRedirectUri(const std::string& uri);

}  // namespace warden
