#include "storage/role_store.h"

#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace warden::storage {
namespace {

// One row per (role, permission set entry); roles whose set is empty come once, with NULL
// entry columns. Ordered so that a role's rows are adjacent.
constexpr char kLoadAll[] = "warden_role_load_all";
constexpr char kLoadAllSql[] = R"sql(
SELECT r.name, r.description, r.built_in,
       ps.id::text, ps.name, ps.description, ps.built_in,
       s.id::text, s.name, s.description, s.built_in,
       e.resource, e.access
FROM roles r
JOIN permission_sets ps ON ps.id = r.permission_set_id
JOIN access_scopes s ON s.id = r.access_scope_id
LEFT JOIN permission_set_entries e ON e.permission_set_id = ps.id
ORDER BY r.name COLLATE "C", e.resource)sql";

absl::StatusOr<Access> ReadAccess(const pqxx::field& field) {
  const int level = field.as<int>();
  switch (level) {
    case 0:
      return Access::kNoAccess;
    case 1:
      return Access::kRead;
    case 2:
      return Access::kReadWrite;
  }
  return absl::InternalError(absl::StrCat("unknown access level ", level, " in the database"));
}

}  // namespace

RoleStore::RoleStore(StorageExecutor& executor) : executor_(executor) {
  executor_.Prepare(kLoadAll, kLoadAllSql);
}

void RoleStore::LoadAll(std::function<void(absl::StatusOr<std::vector<Role>>)> done) {
  executor_.Run<std::vector<Role>>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<std::vector<Role>> {
        pqxx::nontransaction tx(conn, "role_load_all");
        const pqxx::result rows = tx.exec_prepared(kLoadAll);
        std::vector<Role> roles;
        for (const pqxx::row& row : rows) {
          const std::string name = row[0].as<std::string>();
          if (roles.empty() || roles.back().name != name) {
            Role role;
            role.name = name;
            role.description = row[1].as<std::string>();
            role.built_in = row[2].as<bool>();
            role.permission_set.id = row[3].as<std::string>();
            role.permission_set.name = row[4].as<std::string>();
            role.permission_set.description = row[5].as<std::string>();
            role.permission_set.built_in = row[6].as<bool>();
            role.access_scope.id = row[7].as<std::string>();
            role.access_scope.name = row[8].as<std::string>();
            role.access_scope.description = row[9].as<std::string>();
            role.access_scope.built_in = row[10].as<bool>();
            roles.push_back(std::move(role));
          }
          if (row[11].is_null()) continue;  // a permission set without entries
          absl::StatusOr<Access> access = ReadAccess(row[12]);
          if (!access.ok()) return access.status();
          roles.back().permission_set.permissions[row[11].as<std::string>()] = *access;
        }
        return roles;
      },
      std::move(done));
}

}  // namespace warden::storage
