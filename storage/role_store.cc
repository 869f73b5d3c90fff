// Roles: the table operations (role_tables.h) and RoleStore.

#include "storage/role_store.h"

#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "storage/pg/sql_values.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace role_tables {
namespace {

// $1 name, $2 names (text[]), $3 permission set id, $4 access scope id: each NULL, or a
// filter every role returned matches. One row per (role, permission set entry); roles whose
// set is empty come once, with NULL entry columns. Ordered so that a role's rows are adjacent.
constexpr char kSelectRoles[] = "warden_role_select";
constexpr char kSelectRolesSql[] = R"sql(
SELECT r.name, r.description, r.origin,
       ps.id::text, ps.name, ps.description, ps.origin,
       s.id::text, s.name, s.description, s.origin, s.rules::text,
       e.resource, e.access
FROM roles r
JOIN permission_sets ps ON ps.id = r.permission_set_id
JOIN access_scopes s ON s.id = r.access_scope_id
LEFT JOIN permission_set_entries e ON e.permission_set_id = ps.id
WHERE ($1::text IS NULL OR r.name = $1::text)
  AND ($2::text[] IS NULL OR r.name = ANY($2::text[]))
  AND ($3::uuid IS NULL OR r.permission_set_id = $3::uuid)
  AND ($4::uuid IS NULL OR r.access_scope_id = $4::uuid)
ORDER BY r.name COLLATE "C", e.resource COLLATE "C")sql";

// $1 name. FOR UPDATE (before a delete) conflicts with the FOR KEY SHARE that
// TokenStore::Insert takes; FOR NO KEY UPDATE (before an update) does not, so editing a
// role never holds up minting tokens.
constexpr char kLockRoleForDelete[] = "warden_role_lock_for_delete";
constexpr char kLockRoleForDeleteSql[] = "SELECT origin FROM roles WHERE name = $1 FOR UPDATE";
constexpr char kLockRoleForUpdate[] = "warden_role_lock_for_update";
constexpr char kLockRoleForUpdateSql[] =
    "SELECT origin FROM roles WHERE name = $1 FOR NO KEY UPDATE";

// $1 name, $2 description, $3 permission set id, $4 access scope id, $5 origin.
constexpr char kInsertRole[] = "warden_role_insert";
constexpr char kInsertRoleSql[] = R"sql(
INSERT INTO roles (name, description, permission_set_id, access_scope_id, origin)
VALUES ($1, $2, $3::uuid, $4::uuid, $5))sql";

// $1 name, $2 description, $3 permission set id, $4 access scope id.
constexpr char kUpdateRole[] = "warden_role_update";
constexpr char kUpdateRoleSql[] = R"sql(
UPDATE roles SET description = $2, permission_set_id = $3::uuid, access_scope_id = $4::uuid
WHERE name = $1)sql";

// $1 role name, $2 now (micros), $3 limit. The live tokens holding the role, oldest first,
// and how many there are in all. Served by tokens_live_roles_idx.
// $1 role name. The issuers of the M2M configurations whose mappings grant the role.
constexpr char kM2mConfigsUsingRole[] = "warden_role_m2m_configs_using";
constexpr char kM2mConfigsUsingRoleSql[] = R"sql(
SELECT DISTINCT c.issuer FROM m2m_mappings m JOIN m2m_configs c ON c.id = m.config_id
WHERE m.role = $1 ORDER BY c.issuer)sql";

// $1 role name. The names of the auth providers whose rules or minimum role grant the role.
constexpr char kAuthProvidersUsingRole[] = "warden_role_auth_providers_using";
constexpr char kAuthProvidersUsingRoleSql[] = R"sql(
SELECT p.name FROM auth_providers p
WHERE p.minimum_role = $1
   OR EXISTS (SELECT 1 FROM auth_provider_rules r WHERE r.provider_id = p.id AND r.role = $1)
ORDER BY p.name COLLATE "C")sql";

constexpr char kLiveTokensUsingRole[] = "warden_role_live_tokens_using";
constexpr char kLiveTokensUsingRoleSql[] = R"sql(
SELECT id::text, name, count(*) OVER ()
FROM tokens
WHERE roles @> ARRAY[$1::text] AND NOT revoked
  AND expires_at > 'epoch'::timestamptz + $2::bigint * interval '1 microsecond'
ORDER BY issued_at, id
LIMIT $3)sql";

// $1 name.
constexpr char kDeleteRole[] = "warden_role_delete";
constexpr char kDeleteRoleSql[] = "DELETE FROM roles WHERE name = $1";

constexpr char kRoleGeneration[] = "warden_role_generation_shared";
constexpr char kRoleGenerationSql[] = "SELECT warden_role_generation_shared()";

const char* OrNull(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

}  // namespace

int64_t RoleGenerationShared(pqxx::transaction_base& tx) {
  return tx.exec_prepared1(kRoleGeneration)[0].as<int64_t>();
}

void PrepareRoleStatements(StorageExecutor& executor) {
  executor.Prepare(kBeginRoleWrite, kBeginRoleWriteSql);
  executor.Prepare(kRoleGeneration, kRoleGenerationSql);
  executor.Prepare(kSelectRoles, kSelectRolesSql);
  executor.Prepare(kLockRoleForDelete, kLockRoleForDeleteSql);
  executor.Prepare(kLockRoleForUpdate, kLockRoleForUpdateSql);
  executor.Prepare(kInsertRole, kInsertRoleSql);
  executor.Prepare(kUpdateRole, kUpdateRoleSql);
  executor.Prepare(kLiveTokensUsingRole, kLiveTokensUsingRoleSql);
  executor.Prepare(kM2mConfigsUsingRole, kM2mConfigsUsingRoleSql);
  executor.Prepare(kAuthProvidersUsingRole, kAuthProvidersUsingRoleSql);
  executor.Prepare(kDeleteRole, kDeleteRoleSql);
}

absl::StatusOr<std::vector<Role>> SelectRoles(pqxx::transaction_base& tx,
                                              const RoleFilter& filter) {
  std::optional<std::string> names;
  if (filter.names) names = TextArrayLiteral(*filter.names);
  const pqxx::result rows =
      tx.exec_prepared(kSelectRoles, OrNull(filter.name), OrNull(names),
                       OrNull(filter.permission_set_id), OrNull(filter.access_scope_id));
  std::vector<Role> roles;
  for (const pqxx::row& row : rows) {
    const std::string role_name = row[0].as<std::string>();
    if (roles.empty() || roles.back().name != role_name) {
      Role role;
      role.name = role_name;
      role.description = row[1].as<std::string>();
      ASSIGN_OR_RETURN(role.origin, ParseOrigin(row[2].as<std::string>()));
      role.permission_set.id = row[3].as<std::string>();
      role.permission_set.name = row[4].as<std::string>();
      role.permission_set.description = row[5].as<std::string>();
      ASSIGN_OR_RETURN(role.permission_set.origin, ParseOrigin(row[6].as<std::string>()));
      role.access_scope.id = row[7].as<std::string>();
      role.access_scope.name = row[8].as<std::string>();
      role.access_scope.description = row[9].as<std::string>();
      ASSIGN_OR_RETURN(role.access_scope.origin, ParseOrigin(row[10].as<std::string>()));
      ASSIGN_OR_RETURN(role.access_scope.rules, ParseRulesJson(row[11].as<std::string>()));
      roles.push_back(std::move(role));
    }
    if (row[12].is_null()) continue;  // a permission set without entries
    ASSIGN_OR_RETURN(const Access access, ReadAccess(row[13]));
    roles.back().permission_set.permissions[row[12].as<std::string>()] = access;
  }
  return roles;
}

void InsertRoleRow(pqxx::transaction_base& tx, const RoleRow& row) {
  tx.exec_prepared0(kInsertRole, row.name, row.description, row.permission_set_id,
                    row.access_scope_id, OriginText(row.origin));
}

void UpdateRoleRow(pqxx::transaction_base& tx, const RoleRow& row) {
  tx.exec_prepared0(kUpdateRole, row.name, row.description, row.permission_set_id,
                    row.access_scope_id);
}

absl::Status CheckRoleUnused(pqxx::transaction_base& tx, const std::string& name, absl::Time now) {
  const pqxx::result rows =
      tx.exec_prepared(kLiveTokensUsingRole, name, ToMicros(now), kTokensNamed);
  if (!rows.empty()) {
    std::vector<std::string> tokens;
    for (const pqxx::row& row : rows) {
      tokens.push_back(absl::StrCat(row[1].as<std::string>(), " (", row[0].as<std::string>(), ")"));
    }
    const int64_t total = rows[0][2].as<int64_t>();
    return absl::FailedPreconditionError(absl::StrCat("role ", name, " is used by ",
                                                      Counted(total, "live token", "live tokens"),
                                                      ": ", NamesWithMore(tokens, total)));
  }
  // M2M mappings hold roles by name too. The role row is locked FOR UPDATE by the caller,
  // and writers of mappings lock the roles they name FOR KEY SHARE, so none can slip in.
  const pqxx::result configs = tx.exec_prepared(kM2mConfigsUsingRole, name);
  if (!configs.empty()) {
    std::vector<std::string> issuers;
    for (const pqxx::row& row : configs) issuers.push_back(row[0].as<std::string>());
    return absl::FailedPreconditionError(
        absl::StrCat("role ", name, " is used by the mappings of m2m configs for ",
                     absl::StrJoin(issuers, ", ")));
  }
  // So do auth providers, locking them the same way (auth_provider_tables.h).
  const pqxx::result providers = tx.exec_prepared(kAuthProvidersUsingRole, name);
  if (!providers.empty()) {
    std::vector<std::string> names;
    for (const pqxx::row& row : providers) names.push_back(row[0].as<std::string>());
    return absl::FailedPreconditionError(
        absl::StrCat("role ", name, " is used by the rules or minimum role of auth providers ",
                     absl::StrJoin(names, ", ")));
  }
  return absl::OkStatus();
}

void DeleteRoleRow(pqxx::transaction_base& tx, const std::string& name) {
  tx.exec_prepared0(kDeleteRole, name);
}

}  // namespace role_tables

namespace {

using role_tables::CheckApiWritable;
using role_tables::CheckUuid;
using role_tables::RoleRow;

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("role ", name, " not found"));
}

absl::StatusOr<Role> Reread(pqxx::transaction_base& tx, const std::string& name) {
  role_tables::RoleFilter filter;
  filter.name = name;
  ASSIGN_OR_RETURN(std::vector<Role> roles, role_tables::SelectRoles(tx, filter));
  if (roles.empty()) return NotFound(name);
  return std::move(roles.front());
}

// Locks the role's permission set and scope FOR KEY SHARE, so that neither can be deleted
// before the role write commits. INVALID_ARGUMENT naming the first one that does not exist.
absl::Status LockReferences(pqxx::transaction_base& tx, const RoleSpec& spec) {
  if (!role_tables::KeySharePermissionSet(tx, spec.permission_set_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("permission set ", spec.permission_set_id, " does not exist"));
  }
  if (!role_tables::KeyShareAccessScope(tx, spec.access_scope_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("access scope ", spec.access_scope_id, " does not exist"));
  }
  return absl::OkStatus();
}

// Checks the origin of the role row that `lock_statement` locked.
absl::Status CheckLockedRole(const pqxx::result& rows, const std::string& name) {
  if (rows.empty()) return NotFound(name);
  ASSIGN_OR_RETURN(const Origin origin, role_tables::ParseOrigin(rows[0][0].as<std::string>()));
  return CheckApiWritable(absl::StrCat("role ", name), origin);
}

RoleRow ApiRow(const RoleSpec& spec) {
  return RoleRow{spec.name, spec.description, spec.permission_set_id, spec.access_scope_id,
                 Origin::kApi};
}

// The writer's check of the role `name` as written.
absl::Status CheckRoleWrite(pqxx::transaction_base& tx, const RoleWriter& writer,
                            const std::vector<Role>& held, const std::string& name) {
  role_tables::RoleFilter changed;
  changed.name = name;
  return role_tables::CheckWrite(writer, tx, held, changed);
}

absl::Status CheckReferenceIds(const RoleSpec& spec) {
  RETURN_IF_ERROR(CheckUuid("permission set", spec.permission_set_id));
  return CheckUuid("access scope", spec.access_scope_id);
}

}  // namespace

RoleStore::RoleStore(StorageExecutor& executor) : executor_(executor) {
  role_tables::PrepareRoleTables(executor_);
}

void RoleStore::LoadAll(Done<std::vector<Role>> done) {
  executor_.Run<std::vector<Role>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<Role>> {
        pqxx::nontransaction tx(conn, "role_load_all");
        return role_tables::SelectRoles(tx, {});
      },
      std::move(done));
}

void RoleStore::LoadCatalog(Done<RoleCatalog> done) {
  executor_.Run<RoleCatalog>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<RoleCatalog> {
        // A transaction: the shared lock must last until the roles have been read.
        pqxx::work tx(conn, "role_load_catalog");
        RoleCatalog catalog;
        catalog.generation = role_tables::RoleGenerationShared(tx);
        ASSIGN_OR_RETURN(catalog.roles, role_tables::SelectRoles(tx, {}));
        tx.commit();
        return catalog;
      },
      std::move(done));
}

void RoleStore::GetRole(std::string name, Done<Role> done) {
  executor_.Run<Role>(
      [name = std::move(name)](pqxx::connection_base& conn) -> absl::StatusOr<Role> {
        pqxx::nontransaction tx(conn, "role_get");
        return Reread(tx, name);
      },
      std::move(done));
}

void RoleStore::CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) {
  if (absl::Status s = CheckReferenceIds(spec); !s.ok()) return done(s);
  std::string message = absl::StrCat("a role named ", spec.name, " already exists");
  executor_.Run<Role>(
      [spec = std::move(spec),
       writer = std::move(writer)](pqxx::connection_base& conn) -> absl::StatusOr<Role> {
        pqxx::work tx(conn, "role_create");
        role_tables::BeginRoleWrite(tx);
        ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
        RETURN_IF_ERROR(LockReferences(tx, spec));
        role_tables::InsertRoleRow(tx, ApiRow(spec));
        ASSIGN_OR_RETURN(Role stored, Reread(tx, spec.name));
        RETURN_IF_ERROR(CheckRoleWrite(tx, writer, held, spec.name));
        tx.commit();
        return stored;
      },
      role_tables::WithAlreadyExistsMessage(std::move(message), std::move(done)));
}

void RoleStore::UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) {
  if (absl::Status s = CheckReferenceIds(spec); !s.ok()) return done(s);
  executor_.Run<Role>(
      [spec = std::move(spec),
       writer = std::move(writer)](pqxx::connection_base& conn) -> absl::StatusOr<Role> {
        pqxx::work tx(conn, "role_update");
        role_tables::BeginRoleWrite(tx);
        ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
        // Set and scope before the role: the lock order in role_tables.h.
        const absl::Status references = LockReferences(tx, spec);
        RETURN_IF_ERROR(CheckLockedRole(
            tx.exec_prepared(role_tables::kLockRoleForUpdate, spec.name), spec.name));
        RETURN_IF_ERROR(references);
        role_tables::UpdateRoleRow(tx, ApiRow(spec));
        ASSIGN_OR_RETURN(Role stored, Reread(tx, spec.name));
        RETURN_IF_ERROR(CheckRoleWrite(tx, writer, held, spec.name));
        tx.commit();
        return stored;
      },
      std::move(done));
}

void RoleStore::DeleteRole(std::string name, absl::Time now, StatusDone done) {
  executor_.Run(
      [name = std::move(name), now](pqxx::connection_base& conn) -> absl::Status {
        pqxx::work tx(conn, "role_delete");
        role_tables::BeginRoleWrite(tx);
        // FOR UPDATE: a token insert naming this role waits for this transaction (and then
        // finds the role gone), or this waits for the insert (and then sees its token).
        RETURN_IF_ERROR(
            CheckLockedRole(tx.exec_prepared(role_tables::kLockRoleForDelete, name), name));
        RETURN_IF_ERROR(role_tables::CheckRoleUnused(tx, name, now));
        role_tables::DeleteRoleRow(tx, name);
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace warden::storage
