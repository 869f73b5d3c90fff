#include "server/signin/auth_provider_authority.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "glog/logging.h"
#include "server/auth/privilege_check.h"
#include "server/signin/auth_provider_validation.h"

namespace warden {
namespace {

absl::Status NotAnId() {
  return absl::InvalidArgumentError("id must be an auth provider id (a UUID)");
}

// The roles a provider can give: its rules' and its minimum role.
std::vector<std::string> GrantedRoles(const AuthProvider& provider) {
  std::vector<std::string> roles = {provider.minimum_role};
  for (const AuthProviderRule& rule : provider.rules) roles.push_back(rule.role);
  return roles;
}

}  // namespace

oidc::IssuerSpec ProviderIssuerSpec(const AuthProvider& provider, const std::string& ca_file) {
  oidc::IssuerSpec spec;
  spec.issuer = provider.issuer;
  spec.ca_file = ca_file;
  return spec;
}

AuthProviderAuthority::AuthProviderAuthority(storage::AuthProviderRecords& store,
                                             AuthProviderView& view, const RoleView& roles,
                                             ProviderClient& providers, oidc::IssuerKeyCache& keys,
                                             ThreadPool& blocking_pool, AuditTrail& audit,
                                             std::string ca_file)
    : store_(store),
      view_(view),
      roles_(roles),
      providers_(providers),
      keys_(keys),
      blocking_pool_(blocking_pool),
      audit_(audit),
      ca_file_(std::move(ca_file)) {}

void AuthProviderAuthority::RefreshView(std::function<void(absl::Status)> done) {
  store_.List([this, done = std::move(done)](absl::StatusOr<std::vector<AuthProvider>> all) {
    if (!all.ok()) return done(all.status());
    view_.Replace(std::move(*all));
    done(absl::OkStatus());
  });
}

void AuthProviderAuthority::List(Done<std::vector<AuthProvider>> done) {
  store_.List(std::move(done));
}

void AuthProviderAuthority::Get(const std::string& id, Done<AuthProvider> done) {
  if (!IsUuid(id)) return done(NotAnId());
  store_.Get(id, std::move(done));
}

void AuthProviderAuthority::Add(const Identity& caller, AuthProvider provider,
                                Done<AuthProvider> done) {
  Store(caller, std::move(provider), /*add=*/true, std::move(done));
}

void AuthProviderAuthority::Update(const Identity& caller, AuthProvider provider,
                                   Done<AuthProvider> done) {
  if (!IsUuid(provider.id)) return done(NotAnId());
  Store(caller, std::move(provider), /*add=*/false, std::move(done));
}

void AuthProviderAuthority::Store(const Identity& caller, AuthProvider provider, bool add,
                                  Done<AuthProvider> done) {
  absl::StatusOr<AuthProvider> valid = ValidateAuthProvider(std::move(provider));
  if (!valid.ok()) return done(valid.status());
  // Before any fetch: a caller who may not grant the roles learns nothing about the issuer.
  absl::Status grantable =
      CheckRoleNamesGrantable(*roles_.Snapshot(), caller.roles, GrantedRoles(*valid));
  if (!grantable.ok()) return done(grantable);
  storage::RoleWriter writer{caller.roles, CheckRolesGrantable};
  auto task = [this, add, actor = caller.Principal(), provider = std::move(*valid),
               writer = std::move(writer), done]() mutable {
    // The provider must be usable before it is offered to people: its endpoints and keys.
    providers_.Forget(provider.issuer);
    absl::Status reachable = providers_.Endpoints(provider).status();
    if (reachable.ok()) reachable = keys_.Prefetch(ProviderIssuerSpec(provider, ca_file_));
    if (!reachable.ok()) {
      return done(absl::Status(reachable.code(), absl::StrCat("cannot use issuer ", provider.issuer,
                                                              ": ", reachable.message())));
    }
    auto stored = [this, add, actor, done](absl::StatusOr<AuthProvider> result) {
      if (!result.ok()) return done(std::move(result));
      audit_.Record(
          add ? "auth_provider.add" : "auth_provider.update", actor, result->id,
          {{"name", result->name}, {"issuer", result->issuer}, {"revision", result->revision}});
      auto value = std::make_shared<AuthProvider>(std::move(*result));
      RefreshView([done, value](absl::Status refreshed) {
        if (!refreshed.ok()) LOG(WARNING) << "auth provider view reload failed: " << refreshed;
        done(std::move(*value));
      });
    };
    if (add) {
      store_.Add(std::move(provider), std::move(writer), std::move(stored));
    } else {
      store_.Update(std::move(provider), std::move(writer), std::move(stored));
    }
  };
  // Never wait for room: the caller is a gRPC reactor.
  if (absl::Status queued = blocking_pool_.TrySubmit(std::move(task)); !queued.ok()) done(queued);
}

void AuthProviderAuthority::Delete(const Identity& caller, const std::string& id,
                                   std::function<void(absl::Status)> done) {
  if (!IsUuid(id)) return done(NotAnId());
  store_.Delete(
      id, [this, id, actor = caller.Principal(), done = std::move(done)](absl::Status deleted) {
        if (!deleted.ok()) return done(deleted);
        audit_.Record("auth_provider.delete", actor, id);
        RefreshView([done](absl::Status refreshed) {
          if (!refreshed.ok()) LOG(WARNING) << "auth provider view reload failed: " << refreshed;
          done(absl::OkStatus());
        });
      });
}

}  // namespace warden
