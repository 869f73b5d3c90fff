// Access scopes: the table operations (role_tables.h) and AccessScopeStore.

#include "storage/access_scope_store.h"

#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace role_tables {
namespace {

// $1 id (NULL: every scope).
constexpr char kSelectScopes[] = "warden_access_scope_select";
constexpr char kSelectScopesSql[] = R"sql(
SELECT id::text, name, description, origin, rules::text
FROM access_scopes
WHERE $1::uuid IS NULL OR id = $1::uuid
ORDER BY name COLLATE "C")sql";

// $1 id.
constexpr char kLockScope[] = "warden_access_scope_lock";
constexpr char kLockScopeSql[] =
    "SELECT id::text, name, origin FROM access_scopes WHERE id = $1::uuid FOR UPDATE";

// $1 id.
constexpr char kKeyShareScope[] = "warden_access_scope_key_share";
constexpr char kKeyShareScopeSql[] =
    "SELECT id::text FROM access_scopes WHERE id = $1::uuid FOR KEY SHARE";

// $1 name.
constexpr char kKeyShareScopeByName[] = "warden_access_scope_key_share_by_name";
constexpr char kKeyShareScopeByNameSql[] =
    "SELECT id::text, name, origin FROM access_scopes WHERE name = $1 FOR KEY SHARE";

// $1 id, $2 name, $3 description, $4 rules (JSON), $5 origin.
constexpr char kInsertScope[] = "warden_access_scope_insert";
constexpr char kInsertScopeSql[] = R"sql(
INSERT INTO access_scopes (id, name, description, rules, origin)
VALUES ($1::uuid, $2, $3, $4::jsonb, $5))sql";

// $1 id, $2 name, $3 description, $4 rules (JSON).
constexpr char kUpdateScope[] = "warden_access_scope_update";
constexpr char kUpdateScopeSql[] = R"sql(
UPDATE access_scopes SET name = $2, description = $3, rules = $4::jsonb
WHERE id = $1::uuid)sql";

// $1 id, $2 limit. The roles using the scope, and how many there are in all.
constexpr char kRolesUsingScope[] = "warden_access_scope_roles_using";
constexpr char kRolesUsingScopeSql[] = R"sql(
SELECT name, count(*) OVER ()
FROM roles WHERE access_scope_id = $1::uuid
ORDER BY name COLLATE "C"
LIMIT $2)sql";

// $1 id.
constexpr char kDeleteScope[] = "warden_access_scope_delete";
constexpr char kDeleteScopeSql[] = "DELETE FROM access_scopes WHERE id = $1::uuid";

}  // namespace

void PrepareAccessScopeStatements(StorageExecutor& executor) {
  executor.Prepare(kSelectScopes, kSelectScopesSql);
  executor.Prepare(kLockScope, kLockScopeSql);
  executor.Prepare(kKeyShareScope, kKeyShareScopeSql);
  executor.Prepare(kKeyShareScopeByName, kKeyShareScopeByNameSql);
  executor.Prepare(kInsertScope, kInsertScopeSql);
  executor.Prepare(kUpdateScope, kUpdateScopeSql);
  executor.Prepare(kRolesUsingScope, kRolesUsingScopeSql);
  executor.Prepare(kDeleteScope, kDeleteScopeSql);
}

absl::StatusOr<std::vector<AccessScope>> SelectAccessScopes(pqxx::transaction_base& tx,
                                                            const std::optional<std::string>& id) {
  const pqxx::result rows = tx.exec_prepared(kSelectScopes, id ? id->c_str() : nullptr);
  std::vector<AccessScope> scopes;
  for (const pqxx::row& row : rows) {
    AccessScope scope;
    scope.id = row[0].as<std::string>();
    scope.name = row[1].as<std::string>();
    scope.description = row[2].as<std::string>();
    ASSIGN_OR_RETURN(scope.origin, ParseOrigin(row[3].as<std::string>()));
    ASSIGN_OR_RETURN(scope.rules, ParseRulesJson(row[4].as<std::string>()));
    scopes.push_back(std::move(scope));
  }
  return scopes;
}

absl::StatusOr<std::optional<LockedRow>> LockAccessScope(pqxx::transaction_base& tx,
                                                         const std::string& id) {
  return ReadLockedRow(tx.exec_prepared(kLockScope, id));
}

bool KeyShareAccessScope(pqxx::transaction_base& tx, const std::string& id) {
  return !tx.exec_prepared(kKeyShareScope, id).empty();
}

absl::StatusOr<std::optional<LockedRow>> KeyShareAccessScopeByName(pqxx::transaction_base& tx,
                                                                   const std::string& name) {
  return ReadLockedRow(tx.exec_prepared(kKeyShareScopeByName, name));
}

void InsertAccessScopeRow(pqxx::transaction_base& tx, const std::string& id,
                          const AccessScopeSpec& spec, Origin origin) {
  tx.exec_prepared0(kInsertScope, id, spec.name, spec.description, RulesJson(spec.rules),
                    OriginText(origin));
}

void UpdateAccessScopeRow(pqxx::transaction_base& tx, const std::string& id,
                          const AccessScopeSpec& spec) {
  tx.exec_prepared0(kUpdateScope, id, spec.name, spec.description, RulesJson(spec.rules));
}

absl::Status CheckAccessScopeUnused(pqxx::transaction_base& tx, const std::string& id,
                                    const std::string& name) {
  const pqxx::result rows = tx.exec_prepared(kRolesUsingScope, id, kRolesNamed);
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::string> roles;
  for (const pqxx::row& row : rows) roles.push_back(row[0].as<std::string>());
  const int64_t total = rows[0][1].as<int64_t>();
  return absl::FailedPreconditionError(absl::StrCat("access scope ", name, " is used by ",
                                                    Counted(total, "role", "roles"), ": ",
                                                    NamesWithMore(roles, total)));
}

void DeleteAccessScopeRow(pqxx::transaction_base& tx, const std::string& id) {
  tx.exec_prepared0(kDeleteScope, id);
}

}  // namespace role_tables

namespace {

using role_tables::CheckAccessScopeUnused;
using role_tables::CheckApiWritable;
using role_tables::CheckUuid;
using role_tables::DeleteAccessScopeRow;
using role_tables::InsertAccessScopeRow;
using role_tables::LockAccessScope;
using role_tables::LockedRow;
using role_tables::SelectAccessScopes;
using role_tables::UpdateAccessScopeRow;
using role_tables::WithAlreadyExistsMessage;

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("access scope ", id, " not found"));
}

// The scope `id` as stored, within `tx`.
absl::StatusOr<AccessScope> Reread(pqxx::transaction_base& tx, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<AccessScope> scopes, SelectAccessScopes(tx, id));
  if (scopes.empty()) return NotFound(id);
  return std::move(scopes.front());
}

}  // namespace

AccessScopeStore::AccessScopeStore(StorageExecutor& executor) : executor_(executor) {
  role_tables::PrepareRoleTables(executor_);
}

void AccessScopeStore::ListAccessScopes(Done<std::vector<AccessScope>> done) {
  executor_.Run<std::vector<AccessScope>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<AccessScope>> {
        pqxx::nontransaction tx(conn, "access_scope_list");
        return SelectAccessScopes(tx, std::nullopt);
      },
      std::move(done));
}

void AccessScopeStore::GetAccessScope(std::string id, Done<AccessScope> done) {
  if (absl::Status s = CheckUuid("access scope", id); !s.ok()) return done(s);
  executor_.Run<AccessScope>(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::StatusOr<AccessScope> {
        pqxx::nontransaction tx(conn, "access_scope_get");
        return Reread(tx, id);
      },
      std::move(done));
}

void AccessScopeStore::CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done) {
  std::string message = absl::StrCat("an access scope named ", spec.name, " already exists");
  executor_.Run<AccessScope>(
      [spec = std::move(spec),
       id = NewUuidV4()](pqxx::connection_base& conn) -> absl::StatusOr<AccessScope> {
        pqxx::work tx(conn, "access_scope_create");
        role_tables::BeginRoleWrite(tx);
        InsertAccessScopeRow(tx, id, spec, Origin::kApi);
        ASSIGN_OR_RETURN(AccessScope stored, Reread(tx, id));
        tx.commit();
        return stored;
      },
      WithAlreadyExistsMessage(std::move(message), std::move(done)));
}

void AccessScopeStore::UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                                         Done<AccessScope> done) {
  if (absl::Status s = CheckUuid("access scope", id); !s.ok()) return done(s);
  std::string message = absl::StrCat("an access scope named ", spec.name, " already exists");
  executor_.Run<AccessScope>(
      [id = std::move(id), spec = std::move(spec),
       writer = std::move(writer)](pqxx::connection_base& conn) -> absl::StatusOr<AccessScope> {
        pqxx::work tx(conn, "access_scope_update");
        role_tables::BeginRoleWrite(tx);
        ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
        ASSIGN_OR_RETURN(const std::optional<LockedRow> locked, LockAccessScope(tx, id));
        if (!locked) return NotFound(id);
        RETURN_IF_ERROR(
            CheckApiWritable(absl::StrCat("access scope ", locked->name), locked->origin));
        UpdateAccessScopeRow(tx, id, spec);
        ASSIGN_OR_RETURN(AccessScope stored, Reread(tx, id));
        role_tables::RoleFilter changed;
        changed.access_scope_id = id;
        RETURN_IF_ERROR(role_tables::CheckWrite(writer, tx, held, changed));
        tx.commit();
        return stored;
      },
      WithAlreadyExistsMessage(std::move(message), std::move(done)));
}

void AccessScopeStore::DeleteAccessScope(std::string id, StatusDone done) {
  if (absl::Status s = CheckUuid("access scope", id); !s.ok()) return done(s);
  executor_.Run(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::Status {
        pqxx::work tx(conn, "access_scope_delete");
        role_tables::BeginRoleWrite(tx);
        // As for permission sets: the row lock keeps new roles from starting to use it.
        ASSIGN_OR_RETURN(const std::optional<LockedRow> locked, LockAccessScope(tx, id));
        if (!locked) return NotFound(id);
        RETURN_IF_ERROR(
            CheckApiWritable(absl::StrCat("access scope ", locked->name), locked->origin));
        RETURN_IF_ERROR(CheckAccessScopeUnused(tx, id, locked->name));
        DeleteAccessScopeRow(tx, id);
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace warden::storage
