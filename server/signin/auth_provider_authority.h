#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/thread_pool.h"
#include "domain/auth_provider.h"
#include "domain/identity.h"
#include "server/audit/audit_trail.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/signin/auth_provider_view.h"
#include "server/signin/provider_client.h"
#include "storage/auth_provider_records.h"
#include "validation/role_view.h"

namespace warden {

// The auth provider use cases (SPEC §6a): list, get, add, update, delete. Add and Update
// validate (INVALID_ARGUMENT), refuse rules or a minimum role granting beyond the caller's own
// roles (PERMISSION_DENIED, before anything is fetched, and again inside the storing
// transaction), fetch the issuer's discovery document and keys on `blocking_pool` (failure:
// UNAVAILABLE or FAILED_PRECONDITION and nothing stored), store, and reload the view before
// answering, so that the change holds on this replica at once (others follow the change
// feed). Every change is recorded in the audit trail naming the caller. Callbacks run exactly
// once: inline for invalid input, else on the pool or a storage thread. Thread-safe;
// referenced objects must outlive it.
class AuthProviderAuthority final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  AuthProviderAuthority(storage::AuthProviderRecords& store, AuthProviderView& view,
                        const RoleView& roles, ProviderClient& providers,
                        oidc::IssuerKeyCache& keys, ThreadPool& blocking_pool, AuditTrail& audit,
                        std::string ca_file);

  void List(Done<std::vector<AuthProvider>> done);
  void Get(const std::string& id, Done<AuthProvider> done);
  void Add(const Identity& caller, AuthProvider provider, Done<AuthProvider> done);
  // A change that could take a role from someone raises the revision: the provider's live
  // sessions end (domain/auth_provider.h SessionsSurvive).
  void Update(const Identity& caller, AuthProvider provider, Done<AuthProvider> done);
  // The provider's sessions are rejected from the moment this answers.
  void Delete(const Identity& caller, const std::string& id,
              std::function<void(absl::Status)> done);

  // Reloads the view from storage (after writes here, on a change notice, and on reconcile).
  void RefreshView(std::function<void(absl::Status)> done);

 private:
  void Store(const Identity& caller, AuthProvider provider, bool add, Done<AuthProvider> done);

  storage::AuthProviderRecords& store_;
  AuthProviderView& view_;
  const RoleView& roles_;
  ProviderClient& providers_;
  oidc::IssuerKeyCache& keys_;
  ThreadPool& blocking_pool_;
  AuditTrail& audit_;
  const std::string ca_file_;
};

// The issuer as the key cache knows it: generic, with the providers' CA file.
oidc::IssuerSpec ProviderIssuerSpec(const AuthProvider& provider, const std::string& ca_file);

}  // namespace warden
