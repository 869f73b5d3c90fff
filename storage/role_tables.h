#pragma once

// Internal to storage/: operations on the role tables inside a caller's transaction, shared
// by PermissionSetStore, AccessScopeStore, RoleStore, DeclarativeStore and M2mConfigStore's
// writer check. Each kind's file owns its table's SQL and operations next to its store
// (permission_set_store.cc, access_scope_store.cc, role_store.cc); the stores' methods and
// ApplyDeclarative compose them.
//
// Lock order, so that concurrent writers wait instead of deadlocking: the roles write lock
// (BeginRoleWrite, first in every write), then permission sets, then access scopes, then
// roles. A role write locks its set and scope FOR KEY SHARE (what a
// foreign key check takes) before the role; deletes lock the row FOR UPDATE before checking
// for users. TokenStore::Insert locks the roles it names FOR KEY SHARE, so it and DeleteRole
// serialize on the role row.

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage::role_tables {

// Registers the prepared statements of every operation below with `executor`. Each store
// that uses them calls it from its constructor (a repeat registration does nothing).
void PrepareRoleTables(StorageExecutor& executor);

// How many users an in-use error names before "and N more".
inline constexpr int64_t kRolesNamed = 20;
inline constexpr int64_t kTokensNamed = 10;

// ---- Values (role_tables.cc).
const char* OriginText(Origin origin);  // "built_in", "api", "declarative"
absl::StatusOr<Origin> ParseOrigin(const std::string& text);
// {"clusters": [...], "namespaces": [{"cluster": ..., "name": ...}]}
std::string RulesJson(const ScopeRules& rules);
absl::StatusOr<ScopeRules> ParseRulesJson(const std::string& json);
absl::StatusOr<Access> ReadAccess(const pqxx::field& field);

// "A, B, C" or, when total exceeds shown, "A, B, C and 4 more".
std::string NamesWithMore(const std::vector<std::string>& shown, int64_t total);
// "1 role", "3 roles".
std::string Counted(int64_t n, absl::string_view singular, absl::string_view plural);
// OK for kApi; FAILED_PRECONDITION "<what> is built in and read-only" or "<what> is managed
// by the declarative configuration" otherwise. `what` is e.g. "role Admin".
absl::Status CheckApiWritable(absl::string_view what, Origin origin);
// INVALID_ARGUMENT if a level is outside the Access enum.
absl::Status CheckAccessLevels(absl::string_view what, const PermissionMap& permissions);

// INVALID_ARGUMENT "<kind> id is not a valid UUID" unless `id` is one. Never echoes it: a
// caller may have pasted something secret where the id belongs.
absl::Status CheckUuid(absl::string_view kind, const std::string& id);

// Wraps `done` so that ALREADY_EXISTS (a unique name violated) carries `message` instead of
// PostgreSQL's text.
template <typename T>
std::function<void(absl::StatusOr<T>)> WithAlreadyExistsMessage(
    std::string message, std::function<void(absl::StatusOr<T>)> done) {
  return [message = std::move(message), done = std::move(done)](absl::StatusOr<T> result) {
    if (absl::IsAlreadyExists(result.status())) result = absl::AlreadyExistsError(message);
    done(std::move(result));
  };
}

// A row locked for writing: its key, name and origin.
struct LockedRow {
  std::string id;  // the uuid; the name again for roles
  std::string name;
  Origin origin = Origin::kApi;
};

// The row of a `SELECT id, name, origin ... FOR ...` lock; nullopt when none was found.
absl::StatusOr<std::optional<LockedRow>> ReadLockedRow(const pqxx::result& rows);

// ---- Role writes: the lock, the generation and the writer's check (role_tables.cc).
inline constexpr char kBeginRoleWrite[] = "warden_role_begin_write";
inline constexpr char kBeginRoleWriteSql[] = "SELECT warden_begin_role_write()";
// Takes the roles write lock for the rest of `tx` and bumps the role generation (migration
// 0011). Every write calls it first, so that writers and mints always lock in one order.
void BeginRoleWrite(pqxx::transaction_base& tx);
// Takes the roles lock shared for the rest of `tx` (no role write can commit meanwhile) and
// returns the current role generation (migration 0011). In role_store.cc.
int64_t RoleGenerationShared(pqxx::transaction_base& tx);

// Which roles SelectRoles returns: those matching every field that is set (none set: all).
struct RoleFilter {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> names;
  std::optional<std::string> permission_set_id;
  std::optional<std::string> access_scope_id;
};
// The writer's own roles as they are now (before the write); empty when it has no check.
absl::StatusOr<std::vector<Role>> SelectWriterRoles(pqxx::transaction_base& tx,
                                                    const RoleWriter& writer);
// Runs the writer's check on `held` and the roles `changed` selects, as `tx` sees them after
// the write. OK when the writer has no check.
absl::Status CheckWrite(const RoleWriter& writer, pqxx::transaction_base& tx,
                        const std::vector<Role>& held, const RoleFilter& changed);

// ---- Resources and permission sets (permission_set_store.cc).
void PreparePermissionSetStatements(StorageExecutor& executor);  // by PrepareRoleTables
// Every resource name, sorted bytewise.
std::vector<std::string> SelectResources(pqxx::transaction_base& tx);
// Every set (id == nullopt) or the one with `id`, with entries, ordered by name.
absl::StatusOr<std::vector<PermissionSet>> SelectPermissionSets(
    pqxx::transaction_base& tx, const std::optional<std::string>& id);
// FOR UPDATE; nullopt if absent.
absl::StatusOr<std::optional<LockedRow>> LockPermissionSet(pqxx::transaction_base& tx,
                                                           const std::string& id);
// FOR KEY SHARE (keeps it from being deleted until commit); false if absent.
bool KeySharePermissionSet(pqxx::transaction_base& tx, const std::string& id);
// The set named `name`, locked FOR KEY SHARE; nullopt if there is none.
absl::StatusOr<std::optional<LockedRow>> KeySharePermissionSetByName(pqxx::transaction_base& tx,
                                                                     const std::string& name);
// INVALID_ARGUMENT "<what> names unknown resources X, Y" listing every unknown one.
absl::Status CheckResourcesKnown(pqxx::transaction_base& tx, absl::string_view what,
                                 const PermissionMap& permissions);
void InsertPermissionSetRow(pqxx::transaction_base& tx, const std::string& id,
                            const PermissionSetSpec& spec, Origin origin);
// Replaces name, description and all entries.
void UpdatePermissionSetRow(pqxx::transaction_base& tx, const std::string& id,
                            const PermissionSetSpec& spec);
// FAILED_PRECONDITION "permission set <name> is used by N roles: ..." if a role uses it.
absl::Status CheckPermissionSetUnused(pqxx::transaction_base& tx, const std::string& id,
                                      const std::string& name);
void DeletePermissionSetRow(pqxx::transaction_base& tx, const std::string& id);

// ---- Access scopes (access_scope_store.cc); the same operations.
void PrepareAccessScopeStatements(StorageExecutor& executor);  // by PrepareRoleTables
absl::StatusOr<std::vector<AccessScope>> SelectAccessScopes(pqxx::transaction_base& tx,
                                                            const std::optional<std::string>& id);
absl::StatusOr<std::optional<LockedRow>> LockAccessScope(pqxx::transaction_base& tx,
                                                         const std::string& id);
bool KeyShareAccessScope(pqxx::transaction_base& tx, const std::string& id);
absl::StatusOr<std::optional<LockedRow>> KeyShareAccessScopeByName(pqxx::transaction_base& tx,
                                                                   const std::string& name);
void InsertAccessScopeRow(pqxx::transaction_base& tx, const std::string& id,
                          const AccessScopeSpec& spec, Origin origin);
void UpdateAccessScopeRow(pqxx::transaction_base& tx, const std::string& id,
                          const AccessScopeSpec& spec);
absl::Status CheckAccessScopeUnused(pqxx::transaction_base& tx, const std::string& id,
                                    const std::string& name);
void DeleteAccessScopeRow(pqxx::transaction_base& tx, const std::string& id);

// ---- Roles (role_store.cc).
void PrepareRoleStatements(StorageExecutor& executor);  // by PrepareRoleTables
// A role row as stored: the set and scope by id.
struct RoleRow {
  std::string name;
  std::string description;
  std::string permission_set_id;
  std::string access_scope_id;
  Origin origin = Origin::kApi;
};
// The roles `filter` selects, resolved, ordered by name.
absl::StatusOr<std::vector<Role>> SelectRoles(pqxx::transaction_base& tx, const RoleFilter& filter);
void InsertRoleRow(pqxx::transaction_base& tx, const RoleRow& row);
// Replaces description, permission set and scope of the role named row.name.
void UpdateRoleRow(pqxx::transaction_base& tx, const RoleRow& row);
// FAILED_PRECONDITION "role <name> is used by N live tokens: ..." if a token that is
// neither revoked nor expired at `now` holds it; else naming the M2M configs whose mappings,
// or the auth providers whose rules or minimum role, grant it.
absl::Status CheckRoleUnused(pqxx::transaction_base& tx, const std::string& name, absl::Time now);
void DeleteRoleRow(pqxx::transaction_base& tx, const std::string& name);

}  // namespace warden::storage::role_tables
