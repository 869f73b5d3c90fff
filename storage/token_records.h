#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/token.h"
#include "storage/callbacks.h"
#include "storage/expiring_page.h"
#include "storage/token_cursor.h"

namespace warden::storage {

// What a token listing asks for. Tokens come ordered by (issued_at, id) ascending.
struct TokenListQuery {
  std::optional<bool> revoked;   // unset: both revoked and live tokens
  bool include_expired = false;  // false hides tokens with expires_at <= now
  // Set: only tokens never used or last used before it (last_used_at < unused_since).
  std::optional<absl::Time> unused_since;
  std::string created_by;  // non-empty: only tokens this identity created
  absl::Time now;
  int page_size = 100;               // REQUIRES: >= 1 (else INVALID_ARGUMENT)
  std::optional<TokenCursor> after;  // the previous page's `next`
};

struct TokenPage {
  std::vector<TokenMetadata> tokens;
  std::optional<TokenCursor> next;  // set if more tokens follow
};

// What a mint must satisfy besides its own row (SPEC §2, docs/security.md).
struct MintConditions {
  // RESOURCE_EXHAUSTED when the token's root (TokenMetadata::root) already has this many
  // tokens unrevoked and unexpired at issued_at. 0: no cap.
  int max_live_per_root = 0;
  // The role generation the no-escalation check ran against. ABORTED with
  // kStaleRolesMessage when it is no longer the current one (a role write committed since):
  // the check must run again on fresh roles. Unset: not compared.
  std::optional<int64_t> role_generation;
};

// A revoked token that has not expired yet: what every replica must keep rejecting.
struct RevokedToken {
  std::string id;
  absl::Time expires_at;  // the expiry the token string carries (TokenMetadata::SignedExpiry)
  // Refused from then on; unset: at once. Set for a rotated token in its overlap.
  std::optional<absl::Time> effective_from;
};

// Which tokens RevokeTree revokes: one token, or everything one identity created; with
// `cascade`, also every token those minted (created_by "token:<id>"), transitively.
struct RevokeScope {
  std::string id;          // a token id, or
  std::string created_by;  // a TokenMetadata::created_by; exactly one of the two is set
  bool cascade = false;
};

struct RevokedTree {
  std::optional<TokenMetadata>
      token;  // the token `id` named, as stored after; unset for created_by
  std::vector<RevokedToken> newly_revoked;  // those this call revoked (not those revoked before)
};

// A rotation to store: the successor's row, minted under `conditions` as Insert mints, and
// the replaced token's expiry cut to `cut_at`.
struct Rotation {
  std::string replaced_id;
  TokenMetadata successor;  // successor.rotated_from == replaced_id
  MintConditions conditions;
  absl::Time cut_at;
};

struct RotatedTokens {
  TokenMetadata successor;
  TokenMetadata replaced;  // as stored after: rotated_to set, expires_at cut
};

// The token rows the token use cases read and write (TokenAuthority; M2mAuthority stores
// the tokens it exchanges): metadata only, never the token string. An interface so that
// the use cases' rules can be tested without a database. storage::TokenStore keeps them in
// PostgreSQL; tests use an in-memory fake (tests/support/fake_token_records.h).
//
// Answers as storage/callbacks.h says. Ids must be UUIDs; any other id is INVALID_ARGUMENT
// without echoing it. Thread-safe.
class TokenRecords {
 public:
  virtual ~TokenRecords() = default;

  // Stores `token` under `conditions`; committed before done(OK). Duplicate id:
  // ALREADY_EXISTS. A role of the token that does not exist (any more): FAILED_PRECONDITION
  // "role X no longer exists" / "roles X, Y no longer exist". An empty token.root is
  // token.created_by. REQUIRES: token.revoked == token.revoked_at.has_value().
  virtual void Insert(TokenMetadata token, MintConditions conditions,
                      std::function<void(absl::Status)> done) = 0;

  // NOT_FOUND "token <id> not found" if absent.
  virtual void Get(std::string id, std::function<void(absl::StatusOr<TokenMetadata>)> done) = 0;

  // One page of tokens: those inserted while a client pages through appear in a later page
  // or not at all, but never shift, repeat or hide the tokens that existed when it started.
  // With query.unused_since a page may hold fewer than page_size tokens, even none, with
  // `next` set: see TokenStore::kUnusedScanRows.
  virtual void List(TokenListQuery query, std::function<void(absl::StatusOr<TokenPage>)> done) = 0;

  // One page of live tokens (not revoked) with now < expires_at <= until, ordered by
  // (expires_at, id), starting strictly after `after` (from the start of the window when
  // unset, or when `after` lies at or before `now`). limit < 1 or a malformed after.id:
  // INVALID_ARGUMENT.
  virtual void ListExpiring(absl::Time now, absl::Time until, std::optional<ExpiringCursor> after,
                            int limit, std::function<void(absl::StatusOr<ExpiringPage>)> done) = 0;

  // Marks the token revoked at `now`, unless it already is (then the first revoked_at stays;
  // still OK), and tells the other replicas. Returns the token as stored. Unknown id:
  // NOT_FOUND.
  virtual void Revoke(std::string id, absl::Time now,
                      std::function<void(absl::StatusOr<TokenMetadata>)> done) = 0;

  // Revokes what `scope` names at `now` in one transaction, telling the other replicas of
  // each token it revokes. scope.id unknown: NOT_FOUND; created_by naming nothing: OK with
  // nothing revoked.
  virtual void RevokeTree(RevokeScope scope, absl::Time now,
                          std::function<void(absl::StatusOr<RevokedTree>)> done) = 0;

  // In one transaction: checks the replaced token is live (revoked, expired at successor
  // .issued_at or already rotated: FAILED_PRECONDITION; unknown: NOT_FOUND), inserts the
  // successor as Insert does (same errors; a cap does not count the replaced token when both
  // have one root), links the two and cuts the replaced token's expires_at to cut_at if that
  // is earlier, telling the other replicas to refuse it from then on.
  virtual void Rotate(Rotation rotation,
                      std::function<void(absl::StatusOr<RotatedTokens>)> done) = 0;

  // The message of the ABORTED status a stale role generation gets.
  static constexpr char kStaleRolesMessage[] =
      "the roles changed while the token was being minted; retry";
};

}  // namespace warden::storage
