// DeclarativeStore: makes the declarative objects match the configuration file, in one
// transaction, with the table operations of role_tables.h.

#include "storage/declarative_store.h"

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/auth_provider_tables.h"
#include "storage/pg/sql_values.h"
#include "storage/role_tables.h"

namespace warden::storage {
namespace role_tables {
namespace {

// Serializes applies (every replica applies at start-up and on SIGHUP; without it two
// replicas would both create the same new object and one would fail on the unique name).
// Advisory locks are per database; "wardecl" in ASCII.
constexpr int64_t kDeclarativeLockKey = 0x7761726465636c;
constexpr char kLockDeclarative[] = "warden_declarative_lock";
constexpr char kLockDeclarativeSql[] = "SELECT pg_advisory_xact_lock($1)";

// $1 the configuration's names of that kind (text[]). The existing objects the apply may
// touch: every declarative one, and any other that has a name from the file (a conflict).
constexpr char kLockSets[] = "warden_declarative_lock_sets";
constexpr char kLockSetsSql[] = R"sql(
SELECT id::text, name, origin FROM permission_sets
WHERE origin = 'declarative' OR name = ANY($1::text[])
ORDER BY name COLLATE "C"
FOR UPDATE)sql";

constexpr char kLockScopes[] = "warden_declarative_lock_scopes";
constexpr char kLockScopesSql[] = R"sql(
SELECT id::text, name, origin FROM access_scopes
WHERE origin = 'declarative' OR name = ANY($1::text[])
ORDER BY name COLLATE "C"
FOR UPDATE)sql";

constexpr char kLockRoles[] = "warden_declarative_lock_roles";
constexpr char kLockRolesSql[] = R"sql(
SELECT name, description, permission_set_id::text, access_scope_id::text, origin FROM roles
WHERE origin = 'declarative' OR name = ANY($1::text[])
ORDER BY name COLLATE "C"
FOR UPDATE)sql";

void PrepareDeclarativeStatements(StorageExecutor& executor) {
  executor.Prepare(kLockDeclarative, kLockDeclarativeSql);
  executor.Prepare(kLockSets, kLockSetsSql);
  executor.Prepare(kLockScopes, kLockScopesSql);
  executor.Prepare(kLockRoles, kLockRolesSql);
}

template <typename Spec>
std::vector<std::string> Names(const std::vector<Spec>& specs) {
  std::vector<std::string> names;
  for (const Spec& spec : specs) names.push_back(spec.name);
  return names;
}

// Existing set or scope rows by name, locked.
absl::StatusOr<std::map<std::string, LockedRow>> LockByName(pqxx::transaction_base& tx,
                                                            const char* statement,
                                                            const std::vector<std::string>& names) {
  std::map<std::string, LockedRow> out;
  for (const pqxx::row& row : tx.exec_prepared(statement, TextArrayLiteral(names))) {
    LockedRow locked{row[0].as<std::string>(), row[1].as<std::string>()};
    ASSIGN_OR_RETURN(locked.origin, ParseOrigin(row[2].as<std::string>()));
    out.emplace(locked.name, std::move(locked));
  }
  return out;
}

absl::StatusOr<std::map<std::string, RoleRow>> LockRoles(pqxx::transaction_base& tx,
                                                         const std::vector<std::string>& names) {
  std::map<std::string, RoleRow> out;
  for (const pqxx::row& row : tx.exec_prepared(kLockRoles, TextArrayLiteral(names))) {
    RoleRow role{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                 row[3].as<std::string>()};
    ASSIGN_OR_RETURN(role.origin, ParseOrigin(row[4].as<std::string>()));
    out.emplace(role.name, std::move(role));
  }
  return out;
}

// Checks what needs no database: each name once per kind, valid levels, a set per role.
absl::Status ValidateConfig(const DeclarativeConfig& config) {
  std::vector<std::string> errors;
  auto check_unique = [&errors](absl::string_view kind, const std::vector<std::string>& names) {
    std::set<std::string> seen;
    for (const std::string& name : names) {
      if (!seen.insert(name).second) {
        errors.push_back(absl::StrCat(kind, " ", name, " is defined more than once"));
      }
    }
  };
  check_unique("permission set", Names(config.permission_sets));
  check_unique("access scope", Names(config.access_scopes));
  check_unique("role", Names(config.roles));
  check_unique("auth provider", Names(config.auth_providers));
  auth_provider_tables::CheckDistinctClients(config.auth_providers, errors);
  for (const PermissionSetSpec& set : config.permission_sets) {
    absl::Status s = CheckAccessLevels(absl::StrCat("permission set ", set.name), set.permissions);
    if (!s.ok()) errors.push_back(std::string(s.message()));
  }
  for (const DeclarativeRoleSpec& role : config.roles) {
    if (role.permission_set_name.empty()) {
      errors.push_back(absl::StrCat("role ", role.name, " names no permission set"));
    }
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("declarative configuration: ", absl::StrJoin(errors, "; ")));
}

// One apply, inside `tx`. Locks in the order of role_tables.h: sets, scopes, roles.
class Applier {
 public:
  Applier(pqxx::transaction_base& tx, const DeclarativeConfig& config, absl::Time now)
      : tx_(tx), config_(config), now_(now) {}

  absl::StatusOr<DeclarativeResult> Run() {
    tx_.exec_prepared(kLockDeclarative, kDeclarativeLockKey);
    BeginRoleWrite(tx_);
    ASSIGN_OR_RETURN(sets_, LockByName(tx_, kLockSets, Names(config_.permission_sets)));
    ASSIGN_OR_RETURN(scopes_, LockByName(tx_, kLockScopes, Names(config_.access_scopes)));
    RETURN_IF_ERROR(ResolveOutsideReferences());
    ASSIGN_OR_RETURN(roles_, LockRoles(tx_, Names(config_.roles)));
    RETURN_IF_ERROR(CheckNoConflicts());
    RETURN_IF_ERROR(CheckResources());
    RETURN_IF_ERROR(UpsertPermissionSets());
    RETURN_IF_ERROR(UpsertAccessScopes());
    UpsertRoles();
    // After the roles the providers may name are written, before those removed are checked
    // for users.
    RETURN_IF_ERROR(auth_provider_tables::ApplyDeclarativeProviders(tx_, config_.auth_providers,
                                                                    result_.auth_providers));
    RETURN_IF_ERROR(RemoveStale());
    return result_;
  }

 private:
  // Roles may name sets and scopes that the file does not define if they are built in (e.g.
  // Unrestricted) or declarative: find them now and lock them FOR KEY SHARE. Not API objects:
  // whoever may edit those through the API would change what a declarative role grants.
  static std::string NotDeclarative(const std::string& role, absl::string_view kind,
                                    const std::string& name) {
    return absl::StrCat("role ", role, " names ", kind, " ", name,
                        ", which is managed through the API; declarative roles may use only "
                        "declarative or built-in ",
                        kind, "s");
  }
  absl::Status ResolveOutsideReferences() {
    const std::vector<std::string> set_names = Names(config_.permission_sets);
    const std::set<std::string> config_sets(set_names.begin(), set_names.end());
    std::vector<std::string> errors;
    for (const DeclarativeRoleSpec& role : config_.roles) {
      const std::string& name = role.permission_set_name;
      if (config_sets.count(name) > 0 || outside_set_ids_.count(name) > 0) continue;
      ASSIGN_OR_RETURN(const std::optional<LockedRow> set, KeySharePermissionSetByName(tx_, name));
      if (!set) {
        errors.push_back(absl::StrCat("role ", role.name, " names unknown permission set ", name));
      } else if (set->origin == Origin::kApi) {
        errors.push_back(NotDeclarative(role.name, "permission set", name));
      } else {
        outside_set_ids_.emplace(name, set->id);
      }
    }
    std::set<std::string> config_scopes;
    for (const AccessScopeSpec& scope : config_.access_scopes) config_scopes.insert(scope.name);
    for (const DeclarativeRoleSpec& role : config_.roles) {
      const std::string name = ScopeName(role);
      if (config_scopes.count(name) > 0 || outside_scope_ids_.count(name) > 0) continue;
      ASSIGN_OR_RETURN(const std::optional<LockedRow> scope, KeyShareAccessScopeByName(tx_, name));
      if (!scope) {
        errors.push_back(absl::StrCat("role ", role.name, " names unknown access scope ", name));
      } else if (scope->origin == Origin::kApi) {
        errors.push_back(NotDeclarative(role.name, "access scope", name));
      } else {
        outside_scope_ids_.emplace(name, scope->id);
      }
    }
    if (errors.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(errors, "; ")));
  }

  static std::string ScopeName(const DeclarativeRoleSpec& role) {
    return role.access_scope_name.empty() ? std::string(kUnrestrictedScopeName)
                                          : role.access_scope_name;
  }

  // A name from the file taken by a built-in or API object.
  absl::Status CheckNoConflicts() const {
    std::vector<std::string> taken;
    auto check = [&taken](absl::string_view kind, const std::string& name, Origin origin) {
      if (origin != Origin::kDeclarative) {
        taken.push_back(absl::StrCat(kind, " ", name, " already exists and is not declarative"));
      }
    };
    for (const PermissionSetSpec& spec : config_.permission_sets) {
      if (auto it = sets_.find(spec.name); it != sets_.end()) {
        check("permission set", spec.name, it->second.origin);
      }
    }
    for (const AccessScopeSpec& spec : config_.access_scopes) {
      if (auto it = scopes_.find(spec.name); it != scopes_.end()) {
        check("access scope", spec.name, it->second.origin);
      }
    }
    for (const DeclarativeRoleSpec& spec : config_.roles) {
      if (auto it = roles_.find(spec.name); it != roles_.end()) {
        check("role", spec.name, it->second.origin);
      }
    }
    if (taken.empty()) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(taken, "; ")));
  }

  absl::Status CheckResources() {
    std::vector<std::string> errors;
    for (const PermissionSetSpec& spec : config_.permission_sets) {
      absl::Status s =
          CheckResourcesKnown(tx_, absl::StrCat("permission set ", spec.name), spec.permissions);
      if (!s.ok()) errors.push_back(std::string(s.message()));
    }
    if (errors.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(errors, "; ")));
  }

  absl::Status UpsertPermissionSets() {
    ASSIGN_OR_RETURN(const std::vector<PermissionSet> stored, SelectPermissionSets(tx_, {}));
    std::map<std::string, const PermissionSet*> by_id;
    for (const PermissionSet& set : stored) by_id.emplace(set.id, &set);
    for (const PermissionSetSpec& spec : config_.permission_sets) {
      auto existing = sets_.find(spec.name);
      if (existing == sets_.end()) {
        const std::string id = NewUuidV4();
        InsertPermissionSetRow(tx_, id, spec, Origin::kDeclarative);
        config_set_ids_.emplace(spec.name, id);
        ++result_.permission_sets.created;
        continue;
      }
      const std::string& id = existing->second.id;
      config_set_ids_.emplace(spec.name, id);
      const PermissionSet* now = by_id.at(id);
      if (now->description != spec.description || now->permissions != spec.permissions) {
        UpdatePermissionSetRow(tx_, id, spec);
        ++result_.permission_sets.updated;
      }
    }
    return absl::OkStatus();
  }

  absl::Status UpsertAccessScopes() {
    ASSIGN_OR_RETURN(const std::vector<AccessScope> stored, SelectAccessScopes(tx_, {}));
    std::map<std::string, const AccessScope*> by_id;
    for (const AccessScope& scope : stored) by_id.emplace(scope.id, &scope);
    for (const AccessScopeSpec& spec : config_.access_scopes) {
      auto existing = scopes_.find(spec.name);
      if (existing == scopes_.end()) {
        const std::string id = NewUuidV4();
        InsertAccessScopeRow(tx_, id, spec, Origin::kDeclarative);
        config_scope_ids_.emplace(spec.name, id);
        ++result_.access_scopes.created;
        continue;
      }
      const std::string& id = existing->second.id;
      config_scope_ids_.emplace(spec.name, id);
      const AccessScope* now = by_id.at(id);
      if (now->description != spec.description || now->rules != spec.rules) {
        UpdateAccessScopeRow(tx_, id, spec);
        ++result_.access_scopes.updated;
      }
    }
    return absl::OkStatus();
  }

  static const std::string& IdOf(const std::map<std::string, std::string>& in_config,
                                 const std::map<std::string, std::string>& outside,
                                 const std::string& name) {
    auto it = in_config.find(name);
    return it != in_config.end() ? it->second : outside.at(name);
  }

  void UpsertRoles() {
    for (const DeclarativeRoleSpec& spec : config_.roles) {
      const RoleRow row{spec.name, spec.description,
                        IdOf(config_set_ids_, outside_set_ids_, spec.permission_set_name),
                        IdOf(config_scope_ids_, outside_scope_ids_, ScopeName(spec)),
                        Origin::kDeclarative};
      auto existing = roles_.find(spec.name);
      if (existing == roles_.end()) {
        InsertRoleRow(tx_, row);
        ++result_.roles.created;
      } else if (existing->second.description != row.description ||
                 existing->second.permission_set_id != row.permission_set_id ||
                 existing->second.access_scope_id != row.access_scope_id) {
        UpdateRoleRow(tx_, row);
        ++result_.roles.updated;
      }
    }
  }

  // Declarative objects the file no longer has: roles first, so that the sets and scopes
  // they used are free. Every object still in use is named.
  absl::Status RemoveStale() {
    const std::vector<std::string> role_names = Names(config_.roles);
    const std::set<std::string> keep_roles(role_names.begin(), role_names.end());
    std::vector<std::string> in_use;
    for (const auto& [name, role] : roles_) {
      if (role.origin != Origin::kDeclarative || keep_roles.count(name) > 0) continue;
      if (absl::Status s = CheckRoleUnused(tx_, name, now_); !s.ok()) {
        in_use.push_back(std::string(s.message()));
        continue;
      }
      DeleteRoleRow(tx_, name);
      ++result_.roles.deleted;
    }
    for (const auto& [name, set] : sets_) {
      if (set.origin != Origin::kDeclarative || config_set_ids_.count(name) > 0) continue;
      if (absl::Status s = CheckPermissionSetUnused(tx_, set.id, name); !s.ok()) {
        in_use.push_back(std::string(s.message()));
        continue;
      }
      DeletePermissionSetRow(tx_, set.id);
      ++result_.permission_sets.deleted;
    }
    for (const auto& [name, scope] : scopes_) {
      if (scope.origin != Origin::kDeclarative || config_scope_ids_.count(name) > 0) continue;
      if (absl::Status s = CheckAccessScopeUnused(tx_, scope.id, name); !s.ok()) {
        in_use.push_back(std::string(s.message()));
        continue;
      }
      DeleteAccessScopeRow(tx_, scope.id);
      ++result_.access_scopes.deleted;
    }
    if (in_use.empty()) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "declarative configuration removes objects still in use: ", absl::StrJoin(in_use, "; ")));
  }

  pqxx::transaction_base& tx_;
  const DeclarativeConfig& config_;
  const absl::Time now_;

  std::map<std::string, LockedRow> sets_;                 // existing, by name
  std::map<std::string, LockedRow> scopes_;               // existing, by name
  std::map<std::string, RoleRow> roles_;                  // existing, by name
  std::map<std::string, std::string> config_set_ids_;     // the file's sets, name -> id
  std::map<std::string, std::string> config_scope_ids_;   // the file's scopes, name -> id
  std::map<std::string, std::string> outside_set_ids_;    // other sets roles name
  std::map<std::string, std::string> outside_scope_ids_;  // other scopes roles name
  DeclarativeResult result_;
};

}  // namespace
}  // namespace role_tables

int DeclarativeResult::total() const {
  int total = 0;
  for (const DeclarativeChanges* c : {&permission_sets, &access_scopes, &roles, &auth_providers}) {
    total += c->created + c->updated + c->deleted;
  }
  return total;
}

DeclarativeStore::DeclarativeStore(StorageExecutor& executor) : executor_(executor) {
  role_tables::PrepareRoleTables(executor_);
  role_tables::PrepareDeclarativeStatements(executor_);
  auth_provider_tables::PrepareAuthProviderTables(executor_);
}

void DeclarativeStore::ApplyDeclarative(DeclarativeConfig config, absl::Time now,
                                        Done<DeclarativeResult> done) {
  if (absl::Status s = role_tables::ValidateConfig(config); !s.ok()) return done(s);
  executor_.Run<DeclarativeResult>(
      [config = std::move(config),
       now](pqxx::connection_base& conn) -> absl::StatusOr<DeclarativeResult> {
        pqxx::work tx(conn, "declarative_apply");
        ASSIGN_OR_RETURN(DeclarativeResult result, role_tables::Applier(tx, config, now).Run());
        tx.commit();
        return result;
      },
      std::move(done));
}

}  // namespace warden::storage
