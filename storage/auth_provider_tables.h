#pragma once

// Internal to storage/: operations on the auth provider tables (migration 0013) inside a
// caller's transaction, shared by AuthProviderStore and DeclarativeStore.
//
// Lock order, as in role_tables.h: the roles lock first (a provider write takes it shared,
// the declarative apply exclusive), then provider rows, then the roles a provider names
// (FOR KEY SHARE, as TokenStore::Insert does, so that RoleStore::DeleteRole, which locks a
// role FOR UPDATE, either sees the provider or runs first and makes the write's check fail).

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "domain/auth_provider.h"
#include "storage/callbacks.h"
#include "storage/declarative_store.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage::auth_provider_tables {

// Registers the prepared statements below with `executor` (a repeat registration does
// nothing), and the role tables' (for the writer's check).
void PrepareAuthProviderTables(StorageExecutor& executor);

// Every provider (id == nullopt) or the one with `id`, rules in order, ordered by name.
absl::StatusOr<std::vector<AuthProvider>> SelectProviders(pqxx::transaction_base& tx,
                                                          const std::optional<std::string>& id);

// The provider with `id`, locked FOR UPDATE; nullopt if there is none.
absl::StatusOr<std::optional<AuthProvider>> LockProvider(pqxx::transaction_base& tx,
                                                         const std::string& id);

// Every declarative provider and every other one named in `names`, locked FOR UPDATE, ordered
// by name.
absl::StatusOr<std::vector<AuthProvider>> LockDeclarativeProviders(
    pqxx::transaction_base& tx, const std::vector<std::string>& names);

// ALREADY_EXISTS when a provider other than provider.id has its name ("an auth provider named
// X already exists") or its issuer and client id ("auth provider Y already uses issuer I with
// client id C").
absl::Status CheckUnique(pqxx::transaction_base& tx, const AuthProvider& provider);

// The roles `provider` grants: its rules' and its minimum role, each once, in that order.
std::vector<std::string> GrantedRoles(const AuthProvider& provider);

// The roles among `names` that exist, with their origins, locked FOR KEY SHARE until the end
// of `tx` (a role delete waits for it, then sees the provider).
absl::StatusOr<std::map<std::string, Origin>> LockRoles(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& names);

// Checks that every role `provider` grants exists (INVALID_ARGUMENT naming every one that
// does not) and locks them FOR KEY SHARE until the end of `tx`; then runs the writer's check
// on them. REQUIRES: `tx` holds the roles lock (shared or exclusive).
absl::Status CheckGrantedRoles(pqxx::transaction_base& tx, const AuthProvider& provider,
                               const RoleWriter& writer);

// Writes the provider row as given (id, revision, origin included) and its rules.
void InsertProvider(pqxx::transaction_base& tx, const AuthProvider& provider);
// Replaces every column but id, name and origin, and the rules, of provider.id.
void UpdateProvider(pqxx::transaction_base& tx, const AuthProvider& provider);
// False when there was no such provider. Its rules go with it (ON DELETE CASCADE).
bool DeleteProvider(pqxx::transaction_base& tx, const std::string& id);

// Wraps `done` so that ALREADY_EXISTS from one of the unique constraints (a concurrent write
// got there between CheckUnique and the write) says which, in the terms of CheckUnique.
Done<AuthProvider> ExplainDuplicates(AuthProvider provider, Done<AuthProvider> done);

// Adds an error to `errors` for each provider of `specs` whose issuer and client id an earlier
// one has.
void CheckDistinctClients(const std::vector<DeclarativeAuthProviderSpec>& specs,
                          std::vector<std::string>& errors);

// Makes the declarative providers match `specs` inside `tx` (DeclarativeStore's apply, which
// holds the roles write lock and has written the file's roles already): removes the
// declarative providers the file no longer has, then creates or updates each one by name with
// origin kDeclarative, raising the revision of an updated one unless SessionsSurvive. Errors
// name every problem:
// - FAILED_PRECONDITION: a name taken by an API provider; an issuer and client id of another
//   provider;
// - INVALID_ARGUMENT: a rule or minimum role naming a role that does not exist, or one
//   managed through the API (whoever may edit it would change what the provider grants).
// REQUIRES: the names in `specs` are distinct.
absl::Status ApplyDeclarativeProviders(pqxx::transaction_base& tx,
                                       const std::vector<DeclarativeAuthProviderSpec>& specs,
                                       DeclarativeChanges& changes);

}  // namespace warden::storage::auth_provider_tables
