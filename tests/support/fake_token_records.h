#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "storage/token_records.h"
#include "tests/support/fake_replies.h"

namespace warden::testing {

// storage::TokenRecords in memory, for unit tests of the token use cases. Keeps the
// interface's contract and what a user would notice of the PostgreSQL store's rules:
// - Insert: ALREADY_EXISTS for a duplicate id; ABORTED with kStaleRolesMessage when
//   conditions.role_generation is set and is not role_generation(); RESOURCE_EXHAUSTED when
//   the token's root already holds conditions.max_live_per_root live tokens at issued_at.
//   (The roles a token names are not checked: the fake knows no roles.)
// - Get and Revoke: NOT_FOUND "token <id> not found"; Revoke keeps the first revoked_at.
// - List and ListExpiring: the filters, order and cursors of the interface, without the
//   unused_since scan budget (pages are never short).
// Ids are not checked to be UUIDs. Answers inline unless held; see FakeReplies for failures.
// - RevokeTree and Rotate: as the interface says; Rotate's successor is checked as Insert's.
// Method names for FailNext: "Insert", "Get", "List", "ListExpiring", "Revoke", "RevokeTree",
// "Rotate".
class FakeTokenRecords final : public storage::TokenRecords, public FakeReplies {
 public:
  void Insert(TokenMetadata token, storage::MintConditions conditions,
              std::function<void(absl::Status)> done) override;
  void Get(std::string id, std::function<void(absl::StatusOr<TokenMetadata>)> done) override;
  void List(storage::TokenListQuery query,
            std::function<void(absl::StatusOr<storage::TokenPage>)> done) override;
  void ListExpiring(absl::Time now, absl::Time until, std::optional<storage::ExpiringCursor> after,
                    int limit,
                    std::function<void(absl::StatusOr<storage::ExpiringPage>)> done) override;
  void Revoke(std::string id, absl::Time now,
              std::function<void(absl::StatusOr<TokenMetadata>)> done) override;
  void RevokeTree(storage::RevokeScope scope, absl::Time now,
                  std::function<void(absl::StatusOr<storage::RevokedTree>)> done) override;
  void Rotate(storage::Rotation rotation,
              std::function<void(absl::StatusOr<storage::RotatedTokens>)> done) override;

  // The current role generation (1 at first): a role write elsewhere raises it.
  void SetRoleGeneration(int64_t generation);
  int64_t role_generation() const;

  // The token stored under `id`, if any.
  std::optional<TokenMetadata> Find(const std::string& id) const;
  // Every stored token, by id.
  std::vector<TokenMetadata> tokens() const;
  // The conditions the last Insert call came with (failed ones included).
  storage::MintConditions last_conditions() const;

 private:
  absl::Status InsertLocked(TokenMetadata token, storage::MintConditions conditions)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::map<std::string, TokenMetadata> tokens_ ABSL_GUARDED_BY(mu_);
  int64_t role_generation_ ABSL_GUARDED_BY(mu_) = 1;
  storage::MintConditions last_conditions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::testing
