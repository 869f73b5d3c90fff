#include "tests/support/fake_role_tables.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace warden::testing {
namespace {

absl::Status NotFound(const std::string& kind, const std::string& key) {
  return absl::NotFoundError(absl::StrCat(kind, " ", key, " not found"));
}

// Only objects of origin kApi change through the API (storage/role_writer.h).
absl::Status Writable(const std::string& kind, const std::string& name, Origin origin) {
  switch (origin) {
    case Origin::kApi:
      return absl::OkStatus();
    case Origin::kBuiltIn:
      return absl::FailedPreconditionError(
          absl::StrCat(kind, " ", name, " is built in and read-only"));
    case Origin::kDeclarative:
      return absl::FailedPreconditionError(
          absl::StrCat(kind, " ", name, " is managed by the declarative configuration"));
  }
  return absl::OkStatus();
}

// ALREADY_EXISTS if an object of `objects` (by id) other than `self` is called `name`.
template <typename Object>
absl::Status NameFree(const std::map<std::string, Object>& objects, const std::string& kind,
                      const std::string& name, const std::string& self = "") {
  for (const auto& [id, object] : objects) {
    if (object.name == name && id != self) {
      return absl::AlreadyExistsError(absl::StrCat("a ", kind, " named ", name, " already exists"));
    }
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION naming `users`, the roles that use the object, if there are any.
absl::Status Unused(const std::string& kind, const std::string& name,
                    const std::vector<Role>& users) {
  if (users.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      kind, " ", name, " is used by ", users.size(), users.size() == 1 ? " role: " : " roles: ",
      absl::StrJoin(users, ", ", [](std::string* out, const Role& r) { out->append(r.name); })));
}

// What a client may set of a permission set or access scope.
void Assign(const PermissionSetSpec& spec, PermissionSet& set) {
  set.name = spec.name;
  set.description = spec.description;
  set.permissions = spec.permissions;
}
void Assign(const AccessScopeSpec& spec, AccessScope& scope) {
  scope.name = spec.name;
  scope.description = spec.description;
  scope.rules = spec.rules;
}

template <typename Object>
std::vector<Object> Values(const std::map<std::string, Object>& objects) {
  std::vector<Object> values;
  for (const auto& [key, object] : objects) values.push_back(object);
  std::sort(values.begin(), values.end(),
            [](const Object& a, const Object& b) { return a.name < b.name; });
  return values;
}

}  // namespace

const FakeRoleTables::Kind<PermissionSet> FakeRoleTables::kSets{"permission set", &Tables::sets,
                                                                &RoleRow::set_id};
const FakeRoleTables::Kind<AccessScope> FakeRoleTables::kScopes{"access scope", &Tables::scopes,
                                                                &RoleRow::scope_id};

FakeRoleTables::FakeRoleTables() {
  absl::MutexLock lock(&mu_);
  resources_ = {"Access", "Alert", "Integration"};
  AccessScope unrestricted;
  unrestricted.id = kUnrestrictedScopeId;
  unrestricted.name = kUnrestrictedScopeName;
  unrestricted.origin = Origin::kBuiltIn;
  tables_.scopes.emplace(unrestricted.id, unrestricted);
}

Role FakeRoleTables::Resolve(const Tables& tables, const RoleRow& row) {
  Role role;
  role.name = row.name;
  role.description = row.description;
  role.permission_set = tables.sets.at(row.set_id);
  role.access_scope = tables.scopes.at(row.scope_id);
  role.origin = row.origin;
  return role;
}

std::vector<Role> FakeRoleTables::Roles(const Tables& tables,
                                        const std::function<bool(const RoleRow&)>& pick) {
  std::vector<Role> roles;
  for (const auto& [name, row] : tables.roles) {
    if (pick(row)) roles.push_back(Resolve(tables, row));
  }
  return roles;
}

absl::Status FakeRoleTables::Commit(Tables after, const RoleWriter& writer,
                                    const std::function<bool(const RoleRow&)>& changed) {
  if (writer.check) {
    // The writer's roles as they were before the write; names that match no role skipped.
    std::vector<Role> held = Roles(tables_, [&](const RoleRow& row) {
      return std::find(writer.roles.begin(), writer.roles.end(), row.name) != writer.roles.end();
    });
    RETURN_IF_ERROR(writer.check(held, Roles(after, changed)));
  }
  tables_ = std::move(after);
  ++generation_;
  return absl::OkStatus();
}

absl::Status FakeRoleTables::CheckResources(const std::string& what,
                                            const PermissionMap& permissions) const {
  std::vector<std::string> unknown;
  for (const auto& [resource, level] : permissions) {
    if (std::find(resources_.begin(), resources_.end(), resource) == resources_.end()) {
      unknown.push_back(resource);
    }
  }
  if (unknown.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " names unknown ",
                                                 unknown.size() == 1 ? "resource " : "resources ",
                                                 absl::StrJoin(unknown, ", ")));
}

absl::Status FakeRoleTables::CheckReferences(const Tables& tables, const RoleSpec& spec) {
  if (tables.sets.count(spec.permission_set_id) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("permission set ", spec.permission_set_id, " does not exist"));
  }
  if (tables.scopes.count(spec.access_scope_id) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("access scope ", spec.access_scope_id, " does not exist"));
  }
  return absl::OkStatus();
}

template <typename Object>
absl::StatusOr<Object> FakeRoleTables::Find(const Kind<Object>& kind, const std::string& id) const {
  const std::map<std::string, Object>& objects = tables_.*kind.objects;
  auto it = objects.find(id);
  if (it == objects.end()) return NotFound(kind.name, id);
  return it->second;
}

template <typename Object, typename Spec>
absl::StatusOr<Object> FakeRoleTables::Put(const Kind<Object>& kind, const std::string& id,
                                           const Spec& spec, const RoleWriter& writer) {
  if (!id.empty()) {
    ASSIGN_OR_RETURN(const Object current, Find(kind, id));
    RETURN_IF_ERROR(Writable(kind.name, current.name, current.origin));
  }
  RETURN_IF_ERROR(NameFree(tables_.*kind.objects, kind.name, spec.name, id));
  const std::string key = id.empty() ? NewUuidV4() : id;
  Tables after = tables_;
  Object& object = (after.*kind.objects)[key];
  object.id = key;
  Assign(spec, object);
  Object stored = object;
  RETURN_IF_ERROR(Commit(std::move(after), writer,
                         [&](const RoleRow& row) { return row.*kind.reference == key; }));
  return stored;
}

template <typename Object>
absl::Status FakeRoleTables::Remove(const Kind<Object>& kind, const std::string& id) {
  ASSIGN_OR_RETURN(const Object current, Find(kind, id));
  RETURN_IF_ERROR(Writable(kind.name, current.name, current.origin));
  RETURN_IF_ERROR(Unused(kind.name, current.name, Roles(tables_, [&](const RoleRow& row) {
                           return row.*kind.reference == id;
                         })));
  Tables after = tables_;
  (after.*kind.objects).erase(id);
  return Commit(std::move(after), RoleWriter{}, nullptr);
}

// Permission sets.

void FakeRoleTables::ListResources(Done<std::vector<std::string>> done) {
  Answer("ListResources", std::move(done), [&] { return resources_; });
}

void FakeRoleTables::ListPermissionSets(Done<std::vector<PermissionSet>> done) {
  Answer("ListPermissionSets", std::move(done), [&] { return Values(tables_.sets); });
}

void FakeRoleTables::GetPermissionSet(std::string id, Done<PermissionSet> done) {
  Answer("GetPermissionSet", std::move(done), [&] { return Find(kSets, id); });
}

void FakeRoleTables::CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done) {
  Answer("CreatePermissionSet", std::move(done), [&]() -> absl::StatusOr<PermissionSet> {
    RETURN_IF_ERROR(CheckResources(absl::StrCat("permission set ", spec.name), spec.permissions));
    return Put(kSets, "", spec, RoleWriter{});
  });
}

void FakeRoleTables::UpdatePermissionSet(std::string id, PermissionSetSpec spec, RoleWriter writer,
                                         Done<PermissionSet> done) {
  Answer("UpdatePermissionSet", std::move(done), [&]() -> absl::StatusOr<PermissionSet> {
    RETURN_IF_ERROR(CheckResources(absl::StrCat("permission set ", spec.name), spec.permissions));
    return Put(kSets, id, spec, writer);
  });
}

void FakeRoleTables::DeletePermissionSet(std::string id, StatusDone done) {
  Answer("DeletePermissionSet", std::move(done), [&] { return Remove(kSets, id); });
}

// Access scopes.

void FakeRoleTables::ListAccessScopes(Done<std::vector<AccessScope>> done) {
  Answer("ListAccessScopes", std::move(done), [&] { return Values(tables_.scopes); });
}

void FakeRoleTables::GetAccessScope(std::string id, Done<AccessScope> done) {
  Answer("GetAccessScope", std::move(done), [&] { return Find(kScopes, id); });
}

void FakeRoleTables::CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done) {
  Answer("CreateAccessScope", std::move(done),
         [&] { return Put(kScopes, "", spec, RoleWriter{}); });
}

void FakeRoleTables::UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                                       Done<AccessScope> done) {
  Answer("UpdateAccessScope", std::move(done), [&] { return Put(kScopes, id, spec, writer); });
}

void FakeRoleTables::DeleteAccessScope(std::string id, StatusDone done) {
  Answer("DeleteAccessScope", std::move(done), [&] { return Remove(kScopes, id); });
}

// Roles.

void FakeRoleTables::LoadAll(Done<std::vector<Role>> done) {
  Answer("LoadAll", std::move(done),
         [&] { return Roles(tables_, [](const RoleRow&) { return true; }); });
}

void FakeRoleTables::LoadCatalog(Done<RoleCatalog> done) {
  Answer("LoadCatalog", std::move(done), [&] {
    return RoleCatalog{Roles(tables_, [](const RoleRow&) { return true; }), generation_};
  });
}

void FakeRoleTables::GetRole(std::string name, Done<Role> done) {
  Answer("GetRole", std::move(done), [&]() -> absl::StatusOr<Role> {
    auto it = tables_.roles.find(name);
    if (it == tables_.roles.end()) return NotFound("role", name);
    return Resolve(tables_, it->second);
  });
}

void FakeRoleTables::CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) {
  Answer("CreateRole", std::move(done), [&]() -> absl::StatusOr<Role> {
    if (tables_.roles.count(spec.name) > 0) {
      return absl::AlreadyExistsError(absl::StrCat("a role named ", spec.name, " already exists"));
    }
    RETURN_IF_ERROR(CheckReferences(tables_, spec));
    Tables after = tables_;
    const RoleRow& row = after.roles[spec.name] = RoleRow{
        spec.name, spec.description, spec.permission_set_id, spec.access_scope_id, Origin::kApi};
    Role stored = Resolve(after, row);
    RETURN_IF_ERROR(
        Commit(std::move(after), writer, [&](const RoleRow& r) { return r.name == spec.name; }));
    return stored;
  });
}

void FakeRoleTables::UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) {
  Answer("UpdateRole", std::move(done), [&]() -> absl::StatusOr<Role> {
    auto it = tables_.roles.find(spec.name);
    if (it == tables_.roles.end()) return NotFound("role", spec.name);
    RETURN_IF_ERROR(Writable("role", spec.name, it->second.origin));
    RETURN_IF_ERROR(CheckReferences(tables_, spec));
    Tables after = tables_;
    RoleRow& row = after.roles.at(spec.name);
    row.description = spec.description;
    row.set_id = spec.permission_set_id;
    row.scope_id = spec.access_scope_id;
    Role stored = Resolve(after, row);
    RETURN_IF_ERROR(
        Commit(std::move(after), writer, [&](const RoleRow& r) { return r.name == spec.name; }));
    return stored;
  });
}

void FakeRoleTables::DeleteRole(std::string name, absl::Time now, StatusDone done) {
  Answer("DeleteRole", std::move(done), [&]() -> absl::Status {
    auto it = tables_.roles.find(name);
    if (it == tables_.roles.end()) return NotFound("role", name);
    RETURN_IF_ERROR(Writable("role", name, it->second.origin));
    Tables after = tables_;
    after.roles.erase(name);
    return Commit(std::move(after), RoleWriter{}, nullptr);
  });
}

// Seeding.

template <typename Object>
Object FakeRoleTables::Seed(const Kind<Object>& kind, Object object) {
  absl::MutexLock lock(&mu_);
  object.id = NewUuidV4();
  (tables_.*kind.objects)[object.id] = object;
  return object;
}

PermissionSet FakeRoleTables::AddPermissionSet(const std::string& name, PermissionMap permissions,
                                               Origin origin) {
  return Seed(kSets, PermissionSet{"", name, "", std::move(permissions), origin});
}

AccessScope FakeRoleTables::AddAccessScope(const std::string& name, ScopeRules rules,
                                           Origin origin) {
  return Seed(kScopes, AccessScope{"", name, "", std::move(rules), origin});
}

Role FakeRoleTables::AddRole(const std::string& name, const std::string& set_id,
                             const std::string& scope_id, Origin origin) {
  absl::MutexLock lock(&mu_);
  const RoleRow& row = tables_.roles[name] = RoleRow{name, "", set_id, scope_id, origin};
  return Resolve(tables_, row);
}

RoleCatalog FakeRoleTables::Catalog() const {
  absl::MutexLock lock(&mu_);
  return RoleCatalog{Roles(tables_, [](const RoleRow&) { return true; }), generation_};
}

}  // namespace warden::testing
