#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "domain/m2m.h"
#include "notifier/thread_pool.h"
#include "server/jose/key_ring.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/views/m2m_view.h"
#include "storage/m2m_config_store.h"

namespace warden {

// What an exchange hands back: a Warden token (the only copy) and its expiry.
struct ExchangedToken {
  std::string token;  // the only copy; never stored or logged
  absl::Time expires_at;
  // For the audit trail: the new token's id and roles, the configuration that admitted
  // it, and the ID token's subject (its identity's name).
  std::string token_id;
  std::vector<std::string> roles;
  std::string config_id;
  std::string subject;
};

// The machine-to-machine use cases (SPEC §4): manage configurations, trade a third-party
// ID token for a short-lived Warden token, and authenticate such an ID token directly.
// Fetching issuer keys is network I/O, so Add/Update/Exchange run on `blocking_pool`, never
// on the caller's (gRPC) thread; callbacks run there or on a storage thread, exactly once.
// Thread-safe; referenced objects must outlive it.
class M2mAuthority final {
 public:
  struct Options {
    std::string issuer;    // our `iss`
    std::string audience;  // our `aud`
    absl::Duration leeway = absl::Seconds(60);
    std::string issuer_ca_file;  // CAs for fetching issuer keys; empty: the system's
  };
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  M2mAuthority(storage::M2mConfigStore& store, M2mView& view, oidc::IssuerKeyCache& keys,
               notifier::ThreadPool& blocking_pool, const jose::KeyRing& signer, const Clock& clock,
               Options options);

  void List(Done<std::vector<M2mConfig>> done);
  void Get(const std::string& id, Done<M2mConfig> done);
  // Validates, fetches the issuer's keys (failure: UNAVAILABLE or FAILED_PRECONDITION and
  // nothing stored), stores, and reloads the view before answering.
  void Add(M2mConfig config, Done<M2mConfig> done);
  void Update(M2mConfig config, Done<M2mConfig> done);
  // Tokens exchanged through the configuration are rejected from the moment this answers.
  void Delete(const std::string& id, std::function<void(absl::Status)> done);

  // Verifies `id_token` against its issuer's configuration and mints a Warden token with
  // the union of the matching mappings' roles. Unknown issuer, failed verification or no
  // matching mapping: UNAUTHENTICATED; malformed: INVALID_ARGUMENT.
  void Exchange(std::string id_token, Done<ExchangedToken> done);

  // Authenticates a third-party ID token sent directly as a bearer token: the same checks
  // as Exchange, without minting. Blocking (may fetch keys, at most once per cooldown per
  // issuer); nullopt-like NOT_FOUND when no configuration trusts the token's issuer, so
  // the caller can fall back to other checks.
  absl::StatusOr<Identity> AuthenticateIdToken(std::string_view id_token) const;

  // Reloads the view from storage (after writes here, and on reconcile).
  void RefreshView(std::function<void(absl::Status)> done);

 private:
  struct Verified {
    Identity identity;  // kind kM2m, roles from the mappings
    std::string config_id;
  };
  absl::StatusOr<Verified> Verify(std::string_view id_token) const;
  void Store(M2mConfig config, bool add, Done<M2mConfig> done);

  storage::M2mConfigStore& store_;
  M2mView& view_;
  oidc::IssuerKeyCache& keys_;
  notifier::ThreadPool& blocking_pool_;
  const jose::KeyRing& signer_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace warden
