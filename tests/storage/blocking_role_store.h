#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/role_store.h"
#include "tests/storage/await.h"

namespace warden::storage::testing {

// RoleStore's methods, each waiting for its callback: what the tests read most easily.
class BlockingRoleStore {
 public:
  explicit BlockingRoleStore(RoleStore& store) : store_(store) {}

  absl::StatusOr<std::vector<std::string>> ListResources() {
    return Call<std::vector<std::string>>([&](auto done) { store_.ListResources(done); });
  }

  absl::StatusOr<std::vector<PermissionSet>> ListPermissionSets() {
    return Call<std::vector<PermissionSet>>([&](auto done) { store_.ListPermissionSets(done); });
  }
  absl::StatusOr<PermissionSet> GetPermissionSet(const std::string& id) {
    return Call<PermissionSet>([&](auto done) { store_.GetPermissionSet(id, done); });
  }
  absl::StatusOr<PermissionSet> CreatePermissionSet(const PermissionSetSpec& spec) {
    return Call<PermissionSet>([&](auto done) { store_.CreatePermissionSet(spec, done); });
  }
  absl::StatusOr<PermissionSet> UpdatePermissionSet(const std::string& id,
                                                    const PermissionSetSpec& spec,
                                                    RoleWriter writer = {}) {
    return Call<PermissionSet>(
        [&](auto done) { store_.UpdatePermissionSet(id, spec, writer, done); });
  }
  absl::Status DeletePermissionSet(const std::string& id) {
    return Await<absl::Status>([&](auto done) { store_.DeletePermissionSet(id, done); });
  }

  absl::StatusOr<std::vector<AccessScope>> ListAccessScopes() {
    return Call<std::vector<AccessScope>>([&](auto done) { store_.ListAccessScopes(done); });
  }
  absl::StatusOr<AccessScope> GetAccessScope(const std::string& id) {
    return Call<AccessScope>([&](auto done) { store_.GetAccessScope(id, done); });
  }
  absl::StatusOr<AccessScope> CreateAccessScope(const AccessScopeSpec& spec) {
    return Call<AccessScope>([&](auto done) { store_.CreateAccessScope(spec, done); });
  }
  absl::StatusOr<AccessScope> UpdateAccessScope(const std::string& id, const AccessScopeSpec& spec,
                                                RoleWriter writer = {}) {
    return Call<AccessScope>([&](auto done) { store_.UpdateAccessScope(id, spec, writer, done); });
  }
  absl::Status DeleteAccessScope(const std::string& id) {
    return Await<absl::Status>([&](auto done) { store_.DeleteAccessScope(id, done); });
  }

  absl::StatusOr<std::vector<Role>> LoadAll() {
    return Call<std::vector<Role>>([&](auto done) { store_.LoadAll(done); });
  }
  absl::StatusOr<Role> GetRole(const std::string& name) {
    return Call<Role>([&](auto done) { store_.GetRole(name, done); });
  }
  absl::StatusOr<RoleCatalog> LoadCatalog() {
    return Call<RoleCatalog>([&](auto done) { store_.LoadCatalog(done); });
  }
  absl::StatusOr<Role> CreateRole(const RoleSpec& spec, RoleWriter writer = {}) {
    return Call<Role>([&](auto done) { store_.CreateRole(spec, writer, done); });
  }
  absl::StatusOr<Role> UpdateRole(const RoleSpec& spec, RoleWriter writer = {}) {
    return Call<Role>([&](auto done) { store_.UpdateRole(spec, writer, done); });
  }
  absl::Status DeleteRole(const std::string& name, absl::Time now) {
    return Await<absl::Status>([&](auto done) { store_.DeleteRole(name, now, done); });
  }

  absl::StatusOr<DeclarativeResult> ApplyDeclarative(const DeclarativeConfig& config,
                                                     absl::Time now) {
    return Call<DeclarativeResult>([&](auto done) { store_.ApplyDeclarative(config, now, done); });
  }

 private:
  template <typename T, typename Start>
  static absl::StatusOr<T> Call(Start&& start) {
    return Await<absl::StatusOr<T>>(std::forward<Start>(start));
  }

  RoleStore& store_;
};

}  // namespace warden::storage::testing
