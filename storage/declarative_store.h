#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/pg/executor.h"

namespace warden::storage {

// What ApplyDeclarative changed, per kind of object.
struct DeclarativeChanges {
  int created = 0;
  int updated = 0;  // only objects whose stored values differed from the file's
  int deleted = 0;
  bool operator==(const DeclarativeChanges&) const = default;
};

struct DeclarativeResult {
  DeclarativeChanges permission_sets;
  DeclarativeChanges access_scopes;
  DeclarativeChanges roles;
  DeclarativeChanges auth_providers;

  // 0 when the database already matched the configuration.
  int total() const;
};

// The declarative configuration's objects in PostgreSQL: the permission sets, access scopes,
// roles and auth providers of origin kDeclarative, written as a whole. Thread-safe.
class DeclarativeStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // Registers its prepared statements and the role tables' with `executor`, which must
  // outlive it.
  explicit DeclarativeStore(StorageExecutor& executor);

  // In one transaction, makes the declarative objects match `config` exactly: creates or
  // updates each object by name with origin kDeclarative, then removes declarative objects
  // the file no longer has (auth providers first, then roles, then permission sets and
  // scopes). An updated auth provider's revision is raised unless SessionsSurvive
  // (domain/auth_provider.h); its rules and minimum role may name only roles that are
  // declarative (in the file or not) or built in, for the reason given below. A role's
  // permission set and scope are resolved by name among the file's objects and existing
  // objects that are declarative or built in (never API objects, which API callers could
  // edit under a declarative role); an empty scope name means Unrestricted. Any error rolls back
  // everything, so the previous state stays:
  // - INVALID_ARGUMENT: a name given twice for one kind, two auth providers with one issuer
  //   and client id, unknown resources, a role naming a permission set or scope that does not
  //   exist, an auth provider naming a role that does not exist or is an API role;
  // - FAILED_PRECONDITION: a name taken by a built-in or API object ("permission set X
  //   already exists and is not declarative"), an issuer and client id taken by an API auth
  //   provider; a removed role still held by live tokens at `now` or used by an M2M config or
  //   an API auth provider, or a removed set or scope still used by a role. Every conflict is
  //   named.
  // Concurrent applies (several replicas on SIGHUP) are serialized by an advisory lock.
  // Like every role-table write, it takes the roles write lock and bumps the role generation
  // (storage/role_writer.h); a change to auth providers notifies
  // AuthProviderStore::kChangeChannel once committed. Returns at once and calls `done` exactly
  // once: on a storage executor thread, or inline on the caller's thread for a malformed
  // configuration or a shut-down executor. Other errors as storage/pg/errors.h maps them.
  void ApplyDeclarative(DeclarativeConfig config, absl::Time now, Done<DeclarativeResult> done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
