#include "server/roles/role_authority.h"

#include "domain/names.h"
#include "glog/logging.h"
#include "server/auth/privilege_check.h"
#include "server/roles/role_validation.h"

namespace warden {

RoleAuthority::RoleAuthority(storage::PermissionSetRecords& permission_sets,
                             storage::AccessScopeRecords& access_scopes,
                             storage::RoleRecords& roles, RoleView& view, AuditTrail& audit,
                             const Clock& clock)
    : permission_sets_(permission_sets),
      access_scopes_(access_scopes),
      roles_(roles),
      view_(view),
      audit_(audit),
      clock_(clock) {}

namespace {

// The no-escalation rule for a role write by `caller` (SPEC §2), run by storage inside the
// write's transaction.
storage::RoleWriter WriterFor(const Identity& caller) {
  return storage::RoleWriter{caller.roles, CheckRolesGrantable};
}

// What the audit trail says about a written object: its id (a role's is its name), and the
// details that identify it.
std::pair<std::string, nlohmann::json> AuditEntry(const PermissionSet& set) {
  return {set.id, {{"name", set.name}}};
}
std::pair<std::string, nlohmann::json> AuditEntry(const AccessScope& scope) {
  return {scope.id, {{"name", scope.name}}};
}
std::pair<std::string, nlohmann::json> AuditEntry(const Role& role) {
  return {role.name,
          {{"permission_set", role.permission_set.name}, {"access_scope", role.access_scope.name}}};
}

}  // namespace

template <typename T>
RoleAuthority::Done<T> RoleAuthority::Audited(const char* action, const Identity& caller,
                                              Done<T> done) {
  return [this, action, actor = caller.Principal(),
          done = std::move(done)](absl::StatusOr<T> written) mutable {
    if (written.ok()) {
      auto [target, details] = AuditEntry(*written);
      audit_.Record(action, actor, target, std::move(details));
    }
    done(std::move(written));
  };
}

RoleAuthority::DoneStatus RoleAuthority::Audited(const char* action, const Identity& caller,
                                                 std::string target, DoneStatus done) {
  return [this, action, actor = caller.Principal(), target = std::move(target),
          done = std::move(done)](absl::Status written) {
    if (written.ok()) audit_.Record(action, actor, target);
    done(written);
  };
}

void RoleAuthority::RefreshView(DoneStatus done) {
  roles_.LoadCatalog([this, done = std::move(done)](absl::StatusOr<RoleCatalog> roles) {
    if (!roles.ok()) return done(roles.status());
    view_.Replace(std::move(*roles));
    done(absl::OkStatus());
  });
}

template <typename T>
RoleAuthority::Done<T> RoleAuthority::RefreshThen(Done<T> done) {
  return [this, done = std::move(done)](absl::StatusOr<T> written) mutable {
    if (!written.ok()) return done(std::move(written));
    auto value = std::make_shared<T>(std::move(*written));
    RefreshView([done = std::move(done), value](absl::Status refreshed) {
      // The write is committed either way; a failed reload only delays the view until the
      // next reconcile, so the caller still hears that the write succeeded.
      if (!refreshed.ok()) LOG(WARNING) << "role view reload failed: " << refreshed.message();
      done(std::move(*value));
    });
  };
}

RoleAuthority::DoneStatus RoleAuthority::RefreshThen(DoneStatus done) {
  return [this, done = std::move(done)](absl::Status written) mutable {
    if (!written.ok()) return done(written);
    RefreshView([done = std::move(done)](absl::Status refreshed) {
      if (!refreshed.ok()) LOG(WARNING) << "role view reload failed: " << refreshed.message();
      done(absl::OkStatus());
    });
  };
}

void RoleAuthority::ListResources(Done<std::vector<std::string>> done) {
  permission_sets_.ListResources(std::move(done));
}

void RoleAuthority::ListPermissionSets(Done<std::vector<PermissionSet>> done) {
  permission_sets_.ListPermissionSets(std::move(done));
}

void RoleAuthority::GetPermissionSet(const std::string& id, Done<PermissionSet> done) {
  absl::Status valid = ValidateObjectId(id, "permission set id");
  if (!valid.ok()) return done(valid);
  permission_sets_.GetPermissionSet(id, std::move(done));
}

void RoleAuthority::CreatePermissionSet(const Identity& caller, PermissionSetSpec spec,
                                        Done<PermissionSet> done) {
  absl::Status valid = ValidatePermissionSetSpec(spec);
  if (!valid.ok()) return done(valid);
  permission_sets_.CreatePermissionSet(
      std::move(spec), RefreshThen(Audited("permission_set.create", caller, std::move(done))));
}

void RoleAuthority::UpdatePermissionSet(const Identity& caller, const std::string& id,
                                        PermissionSetSpec spec, Done<PermissionSet> done) {
  absl::Status valid = ValidateObjectId(id, "permission set id");
  if (valid.ok()) valid = ValidatePermissionSetSpec(spec);
  if (!valid.ok()) return done(valid);
  permission_sets_.UpdatePermissionSet(
      id, std::move(spec), WriterFor(caller),
      RefreshThen(Audited("permission_set.update", caller, std::move(done))));
}

void RoleAuthority::DeletePermissionSet(const Identity& caller, const std::string& id,
                                        DoneStatus done) {
  absl::Status valid = ValidateObjectId(id, "permission set id");
  if (!valid.ok()) return done(valid);
  permission_sets_.DeletePermissionSet(
      id, RefreshThen(Audited("permission_set.delete", caller, id, std::move(done))));
}

void RoleAuthority::ListAccessScopes(Done<std::vector<AccessScope>> done) {
  access_scopes_.ListAccessScopes(std::move(done));
}

void RoleAuthority::GetAccessScope(const std::string& id, Done<AccessScope> done) {
  absl::Status valid = ValidateObjectId(id, "access scope id");
  if (!valid.ok()) return done(valid);
  access_scopes_.GetAccessScope(id, std::move(done));
}

void RoleAuthority::CreateAccessScope(const Identity& caller, AccessScopeSpec spec,
                                      Done<AccessScope> done) {
  absl::Status valid = ValidateAccessScopeSpec(spec);
  if (!valid.ok()) return done(valid);
  access_scopes_.CreateAccessScope(
      std::move(spec), RefreshThen(Audited("access_scope.create", caller, std::move(done))));
}

void RoleAuthority::UpdateAccessScope(const Identity& caller, const std::string& id,
                                      AccessScopeSpec spec, Done<AccessScope> done) {
  absl::Status valid = ValidateObjectId(id, "access scope id");
  if (valid.ok()) valid = ValidateAccessScopeSpec(spec);
  if (!valid.ok()) return done(valid);
  access_scopes_.UpdateAccessScope(
      id, std::move(spec), WriterFor(caller),
      RefreshThen(Audited("access_scope.update", caller, std::move(done))));
}

void RoleAuthority::DeleteAccessScope(const Identity& caller, const std::string& id,
                                      DoneStatus done) {
  absl::Status valid = ValidateObjectId(id, "access scope id");
  if (!valid.ok()) return done(valid);
  access_scopes_.DeleteAccessScope(
      id, RefreshThen(Audited("access_scope.delete", caller, id, std::move(done))));
}

void RoleAuthority::ListRoles(Done<std::vector<Role>> done) { roles_.LoadAll(std::move(done)); }

void RoleAuthority::GetRole(const std::string& name, Done<Role> done) {
  // Also keeps a NUL byte from reaching SQL, where it would cut "Admin\0x" to "Admin".
  if (absl::Status valid = ValidateName(name, "role name"); !valid.ok()) return done(valid);
  roles_.GetRole(name, std::move(done));
}

void RoleAuthority::CreateRole(const Identity& caller, RoleSpec spec, Done<Role> done) {
  absl::Status valid = ValidateRoleSpec(spec);
  if (!valid.ok()) return done(valid);
  roles_.CreateRole(std::move(spec), WriterFor(caller),
                    RefreshThen(Audited("role.create", caller, std::move(done))));
}

void RoleAuthority::UpdateRole(const Identity& caller, RoleSpec spec, Done<Role> done) {
  absl::Status valid = ValidateRoleSpec(spec);
  if (!valid.ok()) return done(valid);
  roles_.UpdateRole(std::move(spec), WriterFor(caller),
                    RefreshThen(Audited("role.update", caller, std::move(done))));
}

void RoleAuthority::DeleteRole(const Identity& caller, const std::string& name, DoneStatus done) {
  if (absl::Status valid = ValidateName(name, "role name"); !valid.ok()) return done(valid);
  roles_.DeleteRole(name, clock_.Now(),
                    RefreshThen(Audited("role.delete", caller, name, std::move(done))));
}

}  // namespace warden
