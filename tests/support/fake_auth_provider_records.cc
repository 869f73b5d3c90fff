#include "tests/support/fake_auth_provider_records.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace warden::testing {
namespace {

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("auth provider ", id, " not found"));
}

absl::Status CheckApiManaged(const AuthProvider& stored) {
  if (stored.origin == Origin::kApi) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("auth provider ", stored.name, " is managed by the declarative configuration"));
}

}  // namespace

absl::Status FakeAuthProviderRecords::CheckWrite(const AuthProvider& provider,
                                                 const storage::RoleWriter& writer) const {
  for (const auto& [id, other] : providers_) {
    if (id == provider.id) continue;
    if (other.name == provider.name) {
      return absl::AlreadyExistsError(
          absl::StrCat("an auth provider named ", provider.name, " already exists"));
    }
    if (other.issuer == provider.issuer && other.client_id == provider.client_id) {
      return absl::AlreadyExistsError(absl::StrCat("auth provider ", other.name,
                                                   " already uses issuer ", provider.issuer,
                                                   " with client id ", provider.client_id));
    }
  }
  std::vector<std::string> names;
  for (const AuthProviderRule& rule : provider.rules) names.push_back(rule.role);
  if (!provider.minimum_role.empty()) names.push_back(provider.minimum_role);
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();
  std::set<std::string> missing;
  std::map<std::string, Role> granted;  // by name: each once, ordered as storage selects them
  for (const std::string& name : names) {
    if (const Role* role = snapshot->Find(name)) {
      granted.emplace(name, *role);
    } else {
      missing.insert(name);
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown role(s) in auth provider ", provider.name, ": ", absl::StrJoin(missing, ", ")));
  }
  if (!writer.check) return absl::OkStatus();
  std::vector<Role> held;
  for (const std::string& name : writer.roles) {
    if (const Role* role = snapshot->Find(name)) held.push_back(*role);
  }
  std::vector<Role> changed;
  for (auto& [name, role] : granted) changed.push_back(role);
  return writer.check(held, changed);
}

std::vector<AuthProvider> FakeAuthProviderRecords::SortedLocked() const {
  std::vector<AuthProvider> all;
  for (const auto& [id, provider] : providers_) all.push_back(provider);
  std::sort(all.begin(), all.end(),
            [](const AuthProvider& a, const AuthProvider& b) { return a.name < b.name; });
  return all;
}

void FakeAuthProviderRecords::List(Done<std::vector<AuthProvider>> done) {
  Answer("List", std::move(done), [&] { return SortedLocked(); });
}

void FakeAuthProviderRecords::Get(std::string id, Done<AuthProvider> done) {
  Answer("Get", std::move(done), [&]() -> absl::StatusOr<AuthProvider> {
    auto it = providers_.find(id);
    if (it == providers_.end()) return NotFound(id);
    return it->second;
  });
}

void FakeAuthProviderRecords::Add(AuthProvider provider, storage::RoleWriter writer,
                                  Done<AuthProvider> done) {
  Answer("Add", std::move(done), [&]() -> absl::StatusOr<AuthProvider> {
    provider.id = NewUuidV4();
    provider.revision = 1;
    provider.origin = Origin::kApi;
    RETURN_IF_ERROR(CheckWrite(provider, writer));
    providers_.emplace(provider.id, provider);
    return provider;
  });
}

void FakeAuthProviderRecords::Update(AuthProvider provider, storage::RoleWriter writer,
                                     Done<AuthProvider> done) {
  Answer("Update", std::move(done), [&]() -> absl::StatusOr<AuthProvider> {
    auto it = providers_.find(provider.id);
    if (it == providers_.end()) return NotFound(provider.id);
    const AuthProvider& stored = it->second;
    RETURN_IF_ERROR(CheckApiManaged(stored));
    if (stored.name != provider.name) {
      return absl::InvalidArgumentError("an auth provider's name cannot change");
    }
    RETURN_IF_ERROR(CheckWrite(provider, writer));
    provider.origin = stored.origin;
    provider.revision = SessionsSurvive(stored, provider) ? stored.revision : stored.revision + 1;
    it->second = provider;
    return provider;
  });
}

void FakeAuthProviderRecords::Delete(std::string id, StatusDone done) {
  Answer("Delete", std::move(done), [&]() -> absl::Status {
    auto it = providers_.find(id);
    if (it == providers_.end()) return NotFound(id);
    RETURN_IF_ERROR(CheckApiManaged(it->second));
    providers_.erase(it);
    return absl::OkStatus();
  });
}

AuthProvider FakeAuthProviderRecords::AddDeclarative(AuthProvider provider) {
  absl::MutexLock lock(&mu_);
  provider.id = NewUuidV4();
  provider.revision = 1;
  provider.origin = Origin::kDeclarative;
  providers_.emplace(provider.id, provider);
  return provider;
}

std::vector<AuthProvider> FakeAuthProviderRecords::providers() const {
  absl::MutexLock lock(&mu_);
  return SortedLocked();
}

void FakeSignInStateRecords::MarkUsed(std::string state_id, absl::Time expires_at,
                                      storage::StatusDone done) {
  Answer("MarkUsed", std::move(done), [&]() -> absl::Status {
    if (states_.count(state_id) > 0) {
      return absl::AlreadyExistsError("this sign-in was already completed or tried: start again");
    }
    const absl::Time prune_before = clock_.Now() - kPruneGrace;
    std::erase_if(states_, [&](const auto& state) { return state.second < prune_before; });
    states_.emplace(std::move(state_id), expires_at);
    return absl::OkStatus();
  });
}

std::map<std::string, absl::Time> FakeSignInStateRecords::states() const {
  absl::MutexLock lock(&mu_);
  return states_;
}

}  // namespace warden::testing
