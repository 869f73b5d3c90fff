#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "domain/identity.h"
#include "domain/m2m.h"
#include "server/audit/audit_trail.h"
#include "server/m2m/m2m_view.h"
#include "server/oidc/issuer_key_cache.h"
#include "storage/m2m_config_records.h"
#include "storage/token_records.h"
#include "validation/jose/key_ring.h"
#include "validation/role_view.h"

namespace warden {

// What an exchange hands back: a Warden token (the only copy) and its expiry.
struct ExchangedToken {
  std::string token;  // the only copy; never stored or logged
  absl::Time expires_at;
};

// The machine-to-machine use cases (SPEC §4): manage configurations, trade a third-party
// ID token for a short-lived Warden token, and authenticate such an ID token directly.
// Fetching issuer keys is network I/O, so Add/Update/Exchange and direct ID-token
// authentication run on `blocking_pool`, never on the caller's (gRPC) thread, and are
// refused (RESOURCE_EXHAUSTED) rather than queued when its queue is full. Callbacks run
// exactly once: inline for invalid input, else on the pool or on the thread the records
// answer on (a storage thread in the server). Every change and exchange that succeeds is
// recorded in the audit trail, naming the caller, before it answers; a refused one records
// nothing. Thread-safe; referenced objects must outlive it.
class M2mAuthority final {
 public:
  struct Options {
    std::string issuer;    // our `iss`
    std::string audience;  // our `aud`
    absl::Duration leeway = absl::Seconds(60);
    std::string issuer_ca_file;        // CAs for fetching issuer keys; empty: the system's
    int max_live_tokens_per_root = 0;  // the cap on one M2M identity's live tokens; 0: none
  };
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  M2mAuthority(storage::M2mConfigRecords& store, M2mView& view, storage::TokenRecords& tokens,
               const RoleView& roles, oidc::IssuerKeyCache& keys, ThreadPool& blocking_pool,
               const jose::KeyRing& signer, AuditTrail& audit, const Clock& clock, Options options);

  void List(Done<std::vector<M2mConfig>> done);
  void Get(const std::string& id, Done<M2mConfig> done);
  // Validates; refuses mappings to roles beyond what `caller` holds (PERMISSION_DENIED, by
  // the no-escalation rule, before anything is fetched, and again inside the storing
  // transaction); fetches the issuer's keys (failure: UNAVAILABLE or FAILED_PRECONDITION and
  // nothing stored); stores; and reloads the view before answering. An update raises the
  // configuration's revision, which ends every token exchanged through it before.
  void Add(const Identity& caller, M2mConfig config, Done<M2mConfig> done);
  void Update(const Identity& caller, M2mConfig config, Done<M2mConfig> done);
  // Tokens exchanged through the configuration are rejected from the moment this answers.
  void Delete(const Identity& caller, const std::string& id,
              std::function<void(absl::Status)> done);

  // Verifies `id_token` against its issuer's configuration and mints a Warden token with
  // the union of the matching mappings' roles. Unknown issuer, failed verification or no
  // matching mapping: UNAUTHENTICATED; malformed: INVALID_ARGUMENT. The token's metadata is
  // stored like a minted token's (created by the M2M identity), so that RevokeToken can
  // revoke it and listings show it; the database must be reachable (else UNAVAILABLE).
  void Exchange(std::string id_token, Done<ExchangedToken> done);

  // Authenticates a third-party ID token sent directly as a bearer token: the same checks
  // as Exchange, without minting. NOT_FOUND (inline) when no configuration trusts the
  // token's issuer, so the caller can fall back to other checks; INVALID_ARGUMENT (inline)
  // when it is no JWT. Otherwise the check (which may fetch keys, at most once per cooldown
  // per issuer) runs on the blocking pool and `done` is called there; RESOURCE_EXHAUSTED
  // when the pool's queue is full. Never blocks the caller.
  void AuthenticateIdToken(std::string id_token, Done<Identity> done) const;

  // Reloads the view from storage (after writes here, and on reconcile).
  void RefreshView(std::function<void(absl::Status)> done);

 private:
  struct Verified {
    Identity identity;  // kind kM2m, roles from the mappings
    std::string config_id;
  };
  absl::StatusOr<Verified> Verify(std::string_view id_token) const;
  void Store(const Identity& caller, M2mConfig config, bool add, Done<M2mConfig> done);
  // Signs the exchanged token for `verified` and stores its metadata.
  void Issue(Verified verified, Done<ExchangedToken> done);

  storage::M2mConfigRecords& store_;
  M2mView& view_;
  storage::TokenRecords& tokens_;
  const RoleView& roles_;
  oidc::IssuerKeyCache& keys_;
  ThreadPool& blocking_pool_;
  const jose::KeyRing& signer_;
  AuditTrail& audit_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace warden
