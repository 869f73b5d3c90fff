#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "domain/token.h"
#include "server/audit/audit_trail.h"
#include "storage/token_records.h"
#include "validation/jose/key_ring.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"

namespace warden {

struct TokenPolicy {
  std::string issuer;
  std::string audience;
  absl::Duration default_lifetime = absl::Hours(8760);
  absl::Duration max_lifetime = absl::Hours(8760);
  absl::Duration expiring_window = absl::Hours(168);  // ListExpiring's default window
  int max_live_tokens_per_creator = 0;                // per chain root; 0: no cap
};

struct MintRequest {
  std::string name;
  std::vector<std::string> roles;
  std::optional<absl::Time> expiration;  // unset: the default lifetime
  std::string description;               // optional
};

struct RotateRequest {
  std::string id;
  std::optional<absl::Duration> overlap;  // unset: kDefaultOverlap
  // Unset: the replaced token's lifetime from now, cut to the maximum lifetime.
  std::optional<absl::Time> expiration;
};

struct RotatedToken {
  std::string token;  // the successor's; the only copy
  TokenMetadata successor;
  TokenMetadata replaced;  // as stored after the rotation
};

// One token (id), or every token one identity created (created_by); exactly one is set.
// With cascade, also every token those minted, transitively.
struct RevokeRequest {
  std::string id;
  std::string created_by;
  bool cascade = false;
};

struct RevokeOutcome {
  std::optional<TokenMetadata> token;  // the token `id` named, after; unset for created_by
  int64_t revoked_count = 0;           // tokens this call revoked (not those revoked before)
};

struct MintedToken {
  std::string token;  // the only copy; never stored or logged
  TokenMetadata metadata;
};

struct TokenListRequest {
  std::optional<bool> revoked;
  bool include_expired = false;
  // Only tokens never used or last used before it. Pages may then be short (even empty)
  // while more follow: see storage::TokenRecords::List.
  std::optional<absl::Time> unused_since;
  std::string created_by;  // non-empty: only tokens this identity created
  int page_size = 0;       // 0: the default
  std::string page_token;  // empty: the first page
};

struct TokenList {
  std::vector<TokenMetadata> tokens;
  std::string next_page_token;  // empty on the last page
};

struct ExpiringListRequest {
  std::optional<absl::Duration> within;  // unset: the policy's window
  int page_size = 0;
  std::string page_token;
};

struct ExpiringList {
  std::vector<std::pair<TokenMetadata, absl::Duration>> tokens;  // with the time left
  std::string next_page_token;
  absl::Duration within;
};

// The token use cases: mint, get, list, revoke, and which roles a caller may assign.
// Validates requests (INVALID_ARGUMENT), enforces the no-escalation rule
// (PERMISSION_DENIED), signs, stores metadata through storage::TokenRecords, and records
// every mint and revocation in the audit trail before answering. Every transport calls
// these, so that they cannot differ in what they allow or record.
// Callbacks run exactly once: inline for invalid input, else on the thread the records
// answer on (a storage thread in the server). Thread-safe; referenced objects must outlive
// it. Authorization of the caller for the method is done before, by the caller.
class TokenAuthority final {
 public:
  // Reloads the role view from storage, then calls its argument (on any thread).
  using ReloadRoles = std::function<void(std::function<void(absl::Status)>)>;

  TokenAuthority(storage::TokenRecords& store, const jose::KeyRing& keys, const RoleView& roles,
                 RevocationView& revocations, AuditTrail& audit, const Clock& clock,
                 TokenPolicy policy, ReloadRoles reload_roles);

  // The no-escalation rule is checked against the role view's snapshot, and the insert
  // commits only if no role write has committed since that snapshot was read (storage
  // compares the role generation under a lock, SPEC §2). If one has, the view is reloaded and
  // the check runs again, up to kMintAttempts times in all; then ABORTED.
  // A creator of M2M origin (MintCeiling) cannot mint a token that outlives it: a later
  // expiration is INVALID_ARGUMENT, the default is cut to its expiry, and the token inherits
  // its configuration, so that it dies with it. The token's root is the creator's root.
  void Mint(const Identity& creator, MintRequest request,
            std::function<void(absl::StatusOr<MintedToken>)> done);
  void Get(const std::string& id, std::function<void(absl::StatusOr<TokenMetadata>)> done);
  void List(const TokenListRequest& request, std::function<void(absl::StatusOr<TokenList>)> done);
  // Live tokens expiring within the window, soonest first (what the notifier warns about).
  void ListExpiring(const ExpiringListRequest& request,
                    std::function<void(absl::StatusOr<ExpiringList>)> done);
  // Revokes in PostgreSQL, then at once in this replica's revocation view; `caller` is who
  // the audit trail names.
  void Revoke(const Identity& caller, const std::string& id,
              std::function<void(absl::StatusOr<TokenMetadata>)> done);
  // RevokeToken: revokes what `request` names in one transaction, then at once in this
  // replica's revocation view, and records each token revoked in the audit trail.
  void RevokeTree(const Identity& caller, RevokeRequest request,
                  std::function<void(absl::StatusOr<RevokeOutcome>)> done);
  // Mints a successor of token `request.id` for `caller` as Mint would (its name,
  // description and roles; the no-escalation rule and the caps apply) and cuts the replaced
  // token's life to the overlap: this replica refuses it from then on at once, the others
  // when the notice reaches them. Revoked, expired or already rotated: FAILED_PRECONDITION;
  // a role of the token gone: FAILED_PRECONDITION.
  void Rotate(const Identity& caller, RotateRequest request,
              std::function<void(absl::StatusOr<RotatedToken>)> done);

  // Role names `caller` may put into a token, sorted, never `None`.
  std::vector<std::string> AllowedRoles(const Identity& caller) const;
  // The lifetimes a new token gets without an expiration, and may have at most.
  absl::Duration default_lifetime() const {
    return std::min(policy_.default_lifetime, policy_.max_lifetime);
  }
  absl::Duration max_lifetime() const { return policy_.max_lifetime; }

  static constexpr int kMintAttempts = 3;
  static constexpr absl::Duration kDefaultOverlap = absl::Hours(24);
  static constexpr absl::Duration kMaxOverlap = absl::Hours(168);
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

 private:
  // Page size 0 means the default; out of range: INVALID_ARGUMENT.
  static absl::StatusOr<int> ResolvePageSize(int page_size);
  absl::StatusOr<absl::Time> ResolveExpiration(const std::optional<absl::Time>& requested,
                                               absl::Time now,
                                               const std::optional<absl::Time>& ceiling) const;
  struct MintJob;
  // One attempt: check against the current snapshot, sign, insert (or rotate).
  void MintAttempt(std::shared_ptr<MintJob> job);
  // After a failed store: true if it was a stale role generation and another attempt is under
  // way (the job answers then).
  bool RetryStale(const std::shared_ptr<MintJob>& job, const absl::Status& stored);
  void FinishRotation(const std::shared_ptr<MintJob>& job, MintedToken minted,
                      storage::RotatedTokens rotated);
  // The audit record of a token minted (by a mint or a rotation).
  void RecordCreate(const TokenMetadata& token);

  storage::TokenRecords& store_;
  const jose::KeyRing& keys_;
  const RoleView& roles_;
  RevocationView& revocations_;
  AuditTrail& audit_;
  const Clock& clock_;
  const TokenPolicy policy_;
  const ReloadRoles reload_roles_;
};

}  // namespace warden
