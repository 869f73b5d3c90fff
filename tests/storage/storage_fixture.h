#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/token.h"
#include "storage/access_scope_store.h"
#include "storage/declarative_store.h"
#include "storage/permission_set_store.h"
#include "storage/pg/executor.h"
#include "storage/role_store.h"
#include "storage/token_store.h"
#include "tests/support/test_database.h"

namespace warden::storage::testing {

// A fresh database with the migrations applied, an executor on it and the token and role
// stores.
// Members are destroyed in reverse order: the executor closes its connections before the
// database is dropped.
class StorageFixture {
 public:
  StorageFixture();

  const std::string& url() const { return db_.url(); }

  // Blocking conveniences over the asynchronous stores.
  absl::Status Insert(const TokenMetadata& token);
  absl::StatusOr<TokenMetadata> Get(const std::string& id);
  absl::StatusOr<TokenPage> List(const TokenListQuery& query);
  absl::StatusOr<TokenMetadata> Revoke(const std::string& id, absl::Time now);
  absl::StatusOr<std::vector<RevokedToken>> ListRevoked(absl::Time not_expired_before);
  absl::StatusOr<std::vector<Role>> LoadRoles();

  StorageExecutor& executor() { return executor_; }
  TokenStore& tokens() { return tokens_; }
  PermissionSetStore& permission_sets() { return permission_sets_; }
  AccessScopeStore& access_scopes() { return access_scopes_; }
  RoleStore& roles() { return roles_; }
  DeclarativeStore& declarative() { return declarative_; }

 private:
  warden::testing::TestDatabase db_;
  StorageExecutor executor_;
  TokenStore tokens_;
  PermissionSetStore permission_sets_;
  AccessScopeStore access_scopes_;
  RoleStore roles_;
  DeclarativeStore declarative_;
};

// The seed's fixed ids (storage/migrations/0002_seed.sql).
inline constexpr char kUnrestrictedScopeId[] = "a0a0a0a0-0000-4000-8000-000000000001";
inline constexpr char kAdminPermissionSetId[] = "b0b0b0b0-0000-4000-8000-000000000001";

// A token issued at `issued_at` for a year, with a fresh id and role Analyst.
TokenMetadata NewToken(absl::Time issued_at, std::string name = "ci token");

// A fixed instant with whole microseconds, so that round trips compare equal.
absl::Time TestEpoch();

}  // namespace warden::storage::testing
