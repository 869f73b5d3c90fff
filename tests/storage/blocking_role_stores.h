#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "domain/role.h"
#include "storage/access_scope_store.h"
#include "storage/declarative_store.h"
#include "storage/permission_set_store.h"
#include "storage/role_store.h"

// The role stores' methods, each waiting for its callback: what the tests read most easily.

namespace warden::storage::testing {

// Await for a method that answers a value or an error.
template <typename T, typename Start>
absl::StatusOr<T> AwaitValue(Start&& start) {
  return Await<absl::StatusOr<T>>(std::forward<Start>(start));
}

class BlockingPermissionSetStore {
 public:
  explicit BlockingPermissionSetStore(PermissionSetStore& store) : store_(store) {}

  absl::StatusOr<std::vector<std::string>> ListResources() {
    return AwaitValue<std::vector<std::string>>([&](auto done) { store_.ListResources(done); });
  }
  absl::StatusOr<std::vector<PermissionSet>> ListPermissionSets() {
    return AwaitValue<std::vector<PermissionSet>>(
        [&](auto done) { store_.ListPermissionSets(done); });
  }
  absl::StatusOr<PermissionSet> GetPermissionSet(const std::string& id) {
    return AwaitValue<PermissionSet>([&](auto done) { store_.GetPermissionSet(id, done); });
  }
  absl::StatusOr<PermissionSet> CreatePermissionSet(const PermissionSetSpec& spec) {
    return AwaitValue<PermissionSet>([&](auto done) { store_.CreatePermissionSet(spec, done); });
  }
  absl::StatusOr<PermissionSet> UpdatePermissionSet(const std::string& id,
                                                    const PermissionSetSpec& spec,
                                                    RoleWriter writer = {}) {
    return AwaitValue<PermissionSet>(
        [&](auto done) { store_.UpdatePermissionSet(id, spec, writer, done); });
  }
  absl::Status DeletePermissionSet(const std::string& id) {
    return Await<absl::Status>([&](auto done) { store_.DeletePermissionSet(id, done); });
  }

 private:
  PermissionSetStore& store_;
};

class BlockingAccessScopeStore {
 public:
  explicit BlockingAccessScopeStore(AccessScopeStore& store) : store_(store) {}

  absl::StatusOr<std::vector<AccessScope>> ListAccessScopes() {
    return AwaitValue<std::vector<AccessScope>>([&](auto done) { store_.ListAccessScopes(done); });
  }
  absl::StatusOr<AccessScope> GetAccessScope(const std::string& id) {
    return AwaitValue<AccessScope>([&](auto done) { store_.GetAccessScope(id, done); });
  }
  absl::StatusOr<AccessScope> CreateAccessScope(const AccessScopeSpec& spec) {
    return AwaitValue<AccessScope>([&](auto done) { store_.CreateAccessScope(spec, done); });
  }
  absl::StatusOr<AccessScope> UpdateAccessScope(const std::string& id, const AccessScopeSpec& spec,
                                                RoleWriter writer = {}) {
    return AwaitValue<AccessScope>(
        [&](auto done) { store_.UpdateAccessScope(id, spec, writer, done); });
  }
  absl::Status DeleteAccessScope(const std::string& id) {
    return Await<absl::Status>([&](auto done) { store_.DeleteAccessScope(id, done); });
  }

 private:
  AccessScopeStore& store_;
};

class BlockingRoleStore {
 public:
  explicit BlockingRoleStore(RoleStore& store) : store_(store) {}

  absl::StatusOr<std::vector<Role>> LoadAll() {
    return AwaitValue<std::vector<Role>>([&](auto done) { store_.LoadAll(done); });
  }
  absl::StatusOr<RoleCatalog> LoadCatalog() {
    return AwaitValue<RoleCatalog>([&](auto done) { store_.LoadCatalog(done); });
  }
  absl::StatusOr<Role> GetRole(const std::string& name) {
    return AwaitValue<Role>([&](auto done) { store_.GetRole(name, done); });
  }
  absl::StatusOr<Role> CreateRole(const RoleSpec& spec, RoleWriter writer = {}) {
    return AwaitValue<Role>([&](auto done) { store_.CreateRole(spec, writer, done); });
  }
  absl::StatusOr<Role> UpdateRole(const RoleSpec& spec, RoleWriter writer = {}) {
    return AwaitValue<Role>([&](auto done) { store_.UpdateRole(spec, writer, done); });
  }
  absl::Status DeleteRole(const std::string& name, absl::Time now) {
    return Await<absl::Status>([&](auto done) { store_.DeleteRole(name, now, done); });
  }

 private:
  RoleStore& store_;
};

class BlockingDeclarativeStore {
 public:
  explicit BlockingDeclarativeStore(DeclarativeStore& store) : store_(store) {}

  absl::StatusOr<DeclarativeResult> ApplyDeclarative(const DeclarativeConfig& config,
                                                     absl::Time now) {
    return AwaitValue<DeclarativeResult>(
        [&](auto done) { store_.ApplyDeclarative(config, now, done); });
  }

 private:
  DeclarativeStore& store_;
};

}  // namespace warden::storage::testing
