#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "domain/role.h"
#include "server/audit/audit_trail.h"
#include "storage/access_scope_records.h"
#include "storage/permission_set_records.h"
#include "storage/role_records.h"
#include "validation/role_view.h"

namespace warden {

// The role-management use cases: validate what a client sends (role_validation.h), let
// storage enforce what needs the database (duplicates, references, built-in and
// declarative objects read-only, nothing deleted while in use), and after every write
// reload this replica's RoleView before answering, so that a change applies to existing
// tokens at once. Writes that create or change roles are checked against the caller's own
// roles by the no-escalation rule (SPEC §2), inside the write's transaction. Every write
// that succeeds is recorded in the audit trail, naming `caller`, before it answers; a refused
// one records nothing. Callbacks run exactly once: inline for invalid input, else on the
// thread the records answer on (a storage thread in the server). Thread-safe; referenced
// objects must outlive it.
class RoleAuthority final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;
  using DoneStatus = std::function<void(absl::Status)>;

  RoleAuthority(storage::PermissionSetRecords& permission_sets,
                storage::AccessScopeRecords& access_scopes, storage::RoleRecords& roles,
                RoleView& view, AuditTrail& audit, const Clock& clock);

  void ListResources(Done<std::vector<std::string>> done);

  void ListPermissionSets(Done<std::vector<PermissionSet>> done);
  void GetPermissionSet(const std::string& id, Done<PermissionSet> done);
  void CreatePermissionSet(const Identity& caller, PermissionSetSpec spec,
                           Done<PermissionSet> done);
  // PERMISSION_DENIED when a role using the set would grant more than `caller` holds.
  void UpdatePermissionSet(const Identity& caller, const std::string& id, PermissionSetSpec spec,
                           Done<PermissionSet> done);
  void DeletePermissionSet(const Identity& caller, const std::string& id, DoneStatus done);

  void ListAccessScopes(Done<std::vector<AccessScope>> done);
  void GetAccessScope(const std::string& id, Done<AccessScope> done);
  void CreateAccessScope(const Identity& caller, AccessScopeSpec spec, Done<AccessScope> done);
  // PERMISSION_DENIED when a role using the scope would grant more than `caller` holds.
  void UpdateAccessScope(const Identity& caller, const std::string& id, AccessScopeSpec spec,
                         Done<AccessScope> done);
  void DeleteAccessScope(const Identity& caller, const std::string& id, DoneStatus done);

  void ListRoles(Done<std::vector<Role>> done);
  void GetRole(const std::string& name, Done<Role> done);
  // PERMISSION_DENIED when the role would grant more than `caller` holds.
  void CreateRole(const Identity& caller, RoleSpec spec, Done<Role> done);
  void UpdateRole(const Identity& caller, RoleSpec spec, Done<Role> done);
  void DeleteRole(const Identity& caller, const std::string& name, DoneStatus done);

  // Reloads the RoleView from storage. Used after every write here, and by the
  // declarative configuration after it applies.
  void RefreshView(DoneStatus done);

 private:
  // Wraps `done` so that on success the view is reloaded first, then `done` gets the value.
  template <typename T>
  Done<T> RefreshThen(Done<T> done);
  DoneStatus RefreshThen(DoneStatus done);
  // Wraps `done` so that a write that succeeded is recorded as `action` by `caller` first.
  template <typename T>
  Done<T> Audited(const char* action, const Identity& caller, Done<T> done);
  DoneStatus Audited(const char* action, const Identity& caller, std::string target,
                     DoneStatus done);

  storage::PermissionSetRecords& permission_sets_;
  storage::AccessScopeRecords& access_scopes_;
  storage::RoleRecords& roles_;
  RoleView& view_;
  AuditTrail& audit_;
  const Clock& clock_;
};

}  // namespace warden
