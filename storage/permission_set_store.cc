// Resources and permission sets: the table operations (role_tables.h) and PermissionSetStore.

#include "storage/permission_set_store.h"

#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/pg/sql_values.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace role_tables {
namespace {

constexpr char kListResources[] = "warden_resource_list";
constexpr char kListResourcesSql[] =
    R"sql(SELECT name FROM resources ORDER BY name COLLATE "C")sql";

// $1 resource names (text[]). The ones the resources table lacks.
constexpr char kUnknownResources[] = "warden_resource_unknown";
constexpr char kUnknownResourcesSql[] = R"sql(
SELECT t.r FROM unnest($1::text[]) AS t(r)
WHERE NOT EXISTS (SELECT 1 FROM resources WHERE name = t.r)
ORDER BY t.r COLLATE "C")sql";

// $1 id (NULL: every set). One row per (set, entry); a set without entries comes once with
// NULL entry columns. Ordered so that a set's rows are adjacent.
constexpr char kSelectSets[] = "warden_permission_set_select";
constexpr char kSelectSetsSql[] = R"sql(
SELECT ps.id::text, ps.name, ps.description, ps.origin, e.resource, e.access
FROM permission_sets ps
LEFT JOIN permission_set_entries e ON e.permission_set_id = ps.id
WHERE $1::uuid IS NULL OR ps.id = $1::uuid
ORDER BY ps.name COLLATE "C", e.resource COLLATE "C")sql";

// $1 id.
constexpr char kLockSet[] = "warden_permission_set_lock";
constexpr char kLockSetSql[] =
    "SELECT id::text, name, origin FROM permission_sets WHERE id = $1::uuid FOR UPDATE";

// $1 id.
constexpr char kKeyShareSet[] = "warden_permission_set_key_share";
constexpr char kKeyShareSetSql[] =
    "SELECT id::text FROM permission_sets WHERE id = $1::uuid FOR KEY SHARE";

// $1 name.
constexpr char kKeyShareSetByName[] = "warden_permission_set_key_share_by_name";
constexpr char kKeyShareSetByNameSql[] =
    "SELECT id::text, name, origin FROM permission_sets WHERE name = $1 FOR KEY SHARE";

// $1 id, $2 name, $3 description, $4 origin.
constexpr char kInsertSet[] = "warden_permission_set_insert";
constexpr char kInsertSetSql[] = R"sql(
INSERT INTO permission_sets (id, name, description, origin)
VALUES ($1::uuid, $2, $3, $4))sql";

// $1 id, $2 name, $3 description.
constexpr char kUpdateSet[] = "warden_permission_set_update";
constexpr char kUpdateSetSql[] =
    "UPDATE permission_sets SET name = $2, description = $3 WHERE id = $1::uuid";

// $1 id.
constexpr char kDeleteEntries[] = "warden_permission_set_delete_entries";
constexpr char kDeleteEntriesSql[] =
    "DELETE FROM permission_set_entries WHERE permission_set_id = $1::uuid";

// $1 id, $2 resources (text[]), $3 access levels (smallint[]), element by element.
constexpr char kInsertEntries[] = "warden_permission_set_insert_entries";
constexpr char kInsertEntriesSql[] = R"sql(
INSERT INTO permission_set_entries (permission_set_id, resource, access)
SELECT $1::uuid, t.resource, t.access
FROM unnest($2::text[], $3::smallint[]) AS t(resource, access))sql";

// $1 id, $2 limit. The roles using the set, and how many there are in all.
constexpr char kRolesUsingSet[] = "warden_permission_set_roles_using";
constexpr char kRolesUsingSetSql[] = R"sql(
SELECT name, count(*) OVER ()
FROM roles WHERE permission_set_id = $1::uuid
ORDER BY name COLLATE "C"
LIMIT $2)sql";

// $1 id. Entries go with it (ON DELETE CASCADE).
constexpr char kDeleteSet[] = "warden_permission_set_delete";
constexpr char kDeleteSetSql[] = "DELETE FROM permission_sets WHERE id = $1::uuid";

// Parameters for kInsertEntries: resource names and their levels, in the same order.
std::pair<std::string, std::string> EntryArrays(const PermissionMap& permissions) {
  std::vector<std::string> resources;
  std::vector<int> levels;
  for (const auto& [resource, access] : permissions) {
    resources.push_back(resource);
    levels.push_back(static_cast<int>(access));
  }
  return {TextArrayLiteral(resources), absl::StrCat("{", absl::StrJoin(levels, ","), "}")};
}

void InsertEntries(pqxx::transaction_base& tx, const std::string& id,
                   const PermissionMap& permissions) {
  if (permissions.empty()) return;
  const auto [resources, levels] = EntryArrays(permissions);
  tx.exec_prepared0(kInsertEntries, id, resources, levels);
}

}  // namespace

void PreparePermissionSetStatements(StorageExecutor& executor) {
  executor.Prepare(kListResources, kListResourcesSql);
  executor.Prepare(kUnknownResources, kUnknownResourcesSql);
  executor.Prepare(kSelectSets, kSelectSetsSql);
  executor.Prepare(kLockSet, kLockSetSql);
  executor.Prepare(kKeyShareSet, kKeyShareSetSql);
  executor.Prepare(kKeyShareSetByName, kKeyShareSetByNameSql);
  executor.Prepare(kInsertSet, kInsertSetSql);
  executor.Prepare(kUpdateSet, kUpdateSetSql);
  executor.Prepare(kDeleteEntries, kDeleteEntriesSql);
  executor.Prepare(kInsertEntries, kInsertEntriesSql);
  executor.Prepare(kRolesUsingSet, kRolesUsingSetSql);
  executor.Prepare(kDeleteSet, kDeleteSetSql);
}

std::vector<std::string> SelectResources(pqxx::transaction_base& tx) {
  std::vector<std::string> names;
  for (const pqxx::row& row : tx.exec_prepared(kListResources)) {
    names.push_back(row[0].as<std::string>());
  }
  return names;
}

absl::StatusOr<std::vector<PermissionSet>> SelectPermissionSets(
    pqxx::transaction_base& tx, const std::optional<std::string>& id) {
  const pqxx::result rows = tx.exec_prepared(kSelectSets, id ? id->c_str() : nullptr);
  std::vector<PermissionSet> sets;
  for (const pqxx::row& row : rows) {
    const std::string set_id = row[0].as<std::string>();
    if (sets.empty() || sets.back().id != set_id) {
      PermissionSet set;
      set.id = set_id;
      set.name = row[1].as<std::string>();
      set.description = row[2].as<std::string>();
      ASSIGN_OR_RETURN(set.origin, ParseOrigin(row[3].as<std::string>()));
      sets.push_back(std::move(set));
    }
    if (row[4].is_null()) continue;  // a set without entries
    ASSIGN_OR_RETURN(const Access access, ReadAccess(row[5]));
    sets.back().permissions[row[4].as<std::string>()] = access;
  }
  return sets;
}

absl::StatusOr<std::optional<LockedRow>> LockPermissionSet(pqxx::transaction_base& tx,
                                                           const std::string& id) {
  return ReadLockedRow(tx.exec_prepared(kLockSet, id));
}

bool KeySharePermissionSet(pqxx::transaction_base& tx, const std::string& id) {
  return !tx.exec_prepared(kKeyShareSet, id).empty();
}

absl::StatusOr<std::optional<LockedRow>> KeySharePermissionSetByName(pqxx::transaction_base& tx,
                                                                     const std::string& name) {
  return ReadLockedRow(tx.exec_prepared(kKeyShareSetByName, name));
}

absl::Status CheckResourcesKnown(pqxx::transaction_base& tx, absl::string_view what,
                                 const PermissionMap& permissions) {
  if (permissions.empty()) return absl::OkStatus();
  std::vector<std::string> resources;
  for (const auto& [resource, access] : permissions) resources.push_back(resource);
  const pqxx::result rows = tx.exec_prepared(kUnknownResources, TextArrayLiteral(resources));
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::string> unknown;
  for (const pqxx::row& row : rows) unknown.push_back(row[0].as<std::string>());
  return absl::InvalidArgumentError(absl::StrCat(what, " names unknown ",
                                                 unknown.size() == 1 ? "resource " : "resources ",
                                                 absl::StrJoin(unknown, ", ")));
}

void InsertPermissionSetRow(pqxx::transaction_base& tx, const std::string& id,
                            const PermissionSetSpec& spec, Origin origin) {
  tx.exec_prepared0(kInsertSet, id, spec.name, spec.description, OriginText(origin));
  InsertEntries(tx, id, spec.permissions);
}

void UpdatePermissionSetRow(pqxx::transaction_base& tx, const std::string& id,
                            const PermissionSetSpec& spec) {
  tx.exec_prepared0(kUpdateSet, id, spec.name, spec.description);
  tx.exec_prepared0(kDeleteEntries, id);
  InsertEntries(tx, id, spec.permissions);
}

absl::Status CheckPermissionSetUnused(pqxx::transaction_base& tx, const std::string& id,
                                      const std::string& name) {
  const pqxx::result rows = tx.exec_prepared(kRolesUsingSet, id, kRolesNamed);
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::string> roles;
  for (const pqxx::row& row : rows) roles.push_back(row[0].as<std::string>());
  const int64_t total = rows[0][1].as<int64_t>();
  return absl::FailedPreconditionError(absl::StrCat("permission set ", name, " is used by ",
                                                    Counted(total, "role", "roles"), ": ",
                                                    NamesWithMore(roles, total)));
}

void DeletePermissionSetRow(pqxx::transaction_base& tx, const std::string& id) {
  tx.exec_prepared0(kDeleteSet, id);
}

}  // namespace role_tables

namespace {

using role_tables::CheckAccessLevels;
using role_tables::CheckApiWritable;
using role_tables::CheckPermissionSetUnused;
using role_tables::CheckResourcesKnown;
using role_tables::CheckUuid;
using role_tables::DeletePermissionSetRow;
using role_tables::InsertPermissionSetRow;
using role_tables::LockedRow;
using role_tables::LockPermissionSet;
using role_tables::SelectPermissionSets;
using role_tables::UpdatePermissionSetRow;
using role_tables::WithAlreadyExistsMessage;

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("permission set ", id, " not found"));
}

// The set `id` as stored, within `tx`.
absl::StatusOr<PermissionSet> Reread(pqxx::transaction_base& tx, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<PermissionSet> sets, SelectPermissionSets(tx, id));
  if (sets.empty()) return NotFound(id);
  return std::move(sets.front());
}

}  // namespace

PermissionSetStore::PermissionSetStore(StorageExecutor& executor) : executor_(executor) {
  role_tables::PrepareRoleTables(executor_);
}

void PermissionSetStore::ListResources(Done<std::vector<std::string>> done) {
  executor_.Run<std::vector<std::string>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<std::string>> {
        pqxx::nontransaction tx(conn, "resource_list");
        return role_tables::SelectResources(tx);
      },
      std::move(done));
}

void PermissionSetStore::ListPermissionSets(Done<std::vector<PermissionSet>> done) {
  executor_.Run<std::vector<PermissionSet>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<PermissionSet>> {
        pqxx::nontransaction tx(conn, "permission_set_list");
        return SelectPermissionSets(tx, std::nullopt);
      },
      std::move(done));
}

void PermissionSetStore::GetPermissionSet(std::string id, Done<PermissionSet> done) {
  if (absl::Status s = CheckUuid("permission set", id); !s.ok()) return done(s);
  executor_.Run<PermissionSet>(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::StatusOr<PermissionSet> {
        pqxx::nontransaction tx(conn, "permission_set_get");
        return Reread(tx, id);
      },
      std::move(done));
}

void PermissionSetStore::CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done) {
  const std::string what = absl::StrCat("permission set ", spec.name);
  if (absl::Status s = CheckAccessLevels(what, spec.permissions); !s.ok()) return done(s);
  std::string message = absl::StrCat("a permission set named ", spec.name, " already exists");
  executor_.Run<PermissionSet>(
      [spec = std::move(spec), what,
       id = NewUuidV4()](pqxx::connection_base& conn) -> absl::StatusOr<PermissionSet> {
        pqxx::work tx(conn, "permission_set_create");
        role_tables::BeginRoleWrite(tx);
        RETURN_IF_ERROR(CheckResourcesKnown(tx, what, spec.permissions));
        InsertPermissionSetRow(tx, id, spec, Origin::kApi);
        ASSIGN_OR_RETURN(PermissionSet stored, Reread(tx, id));
        tx.commit();
        return stored;
      },
      WithAlreadyExistsMessage(std::move(message), std::move(done)));
}

void PermissionSetStore::UpdatePermissionSet(std::string id, PermissionSetSpec spec,
                                             RoleWriter writer, Done<PermissionSet> done) {
  if (absl::Status s = CheckUuid("permission set", id); !s.ok()) return done(s);
  const std::string what = absl::StrCat("permission set ", spec.name);
  if (absl::Status s = CheckAccessLevels(what, spec.permissions); !s.ok()) return done(s);
  std::string message = absl::StrCat("a permission set named ", spec.name, " already exists");
  executor_.Run<PermissionSet>(
      [id = std::move(id), spec = std::move(spec), what,
       writer = std::move(writer)](pqxx::connection_base& conn) -> absl::StatusOr<PermissionSet> {
        pqxx::work tx(conn, "permission_set_update");
        role_tables::BeginRoleWrite(tx);
        ASSIGN_OR_RETURN(const std::vector<Role> held, role_tables::SelectWriterRoles(tx, writer));
        ASSIGN_OR_RETURN(const std::optional<LockedRow> locked, LockPermissionSet(tx, id));
        if (!locked) return NotFound(id);
        RETURN_IF_ERROR(
            CheckApiWritable(absl::StrCat("permission set ", locked->name), locked->origin));
        RETURN_IF_ERROR(CheckResourcesKnown(tx, what, spec.permissions));
        UpdatePermissionSetRow(tx, id, spec);
        ASSIGN_OR_RETURN(PermissionSet stored, Reread(tx, id));
        role_tables::RoleFilter changed;
        changed.permission_set_id = id;
        RETURN_IF_ERROR(role_tables::CheckWrite(writer, tx, held, changed));
        tx.commit();
        return stored;
      },
      WithAlreadyExistsMessage(std::move(message), std::move(done)));
}

void PermissionSetStore::DeletePermissionSet(std::string id, StatusDone done) {
  if (absl::Status s = CheckUuid("permission set", id); !s.ok()) return done(s);
  executor_.Run(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::Status {
        pqxx::work tx(conn, "permission_set_delete");
        role_tables::BeginRoleWrite(tx);
        // The row lock makes a concurrent CreateRole/UpdateRole naming this set wait (its
        // FOR KEY SHARE conflicts), so no role can start using it between check and delete.
        ASSIGN_OR_RETURN(const std::optional<LockedRow> locked, LockPermissionSet(tx, id));
        if (!locked) return NotFound(id);
        RETURN_IF_ERROR(
            CheckApiWritable(absl::StrCat("permission set ", locked->name), locked->origin));
        RETURN_IF_ERROR(CheckPermissionSetUnused(tx, id, locked->name));
        DeletePermissionSetRow(tx, id);
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace warden::storage
