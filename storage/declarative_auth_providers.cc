// The declarative configuration's auth providers: ApplyDeclarativeProviders
// (auth_provider_tables.h), a step of DeclarativeStore's apply.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/auth_provider_tables.h"

namespace warden::storage::auth_provider_tables {
namespace {

// Every role the file's providers grant must exist and be built in or declarative: a role
// managed through the API could be edited by API callers, changing what a provider of the
// file grants. Locks them FOR KEY SHARE.
absl::Status CheckRolesOfFile(pqxx::transaction_base& tx, const std::vector<AuthProvider>& wanted,
                              std::vector<std::string>& errors) {
  std::vector<std::string> names;
  for (const AuthProvider& provider : wanted) {
    for (std::string& role : GrantedRoles(provider)) names.push_back(std::move(role));
  }
  ASSIGN_OR_RETURN(const auto found, LockRoles(tx, names));
  for (const AuthProvider& provider : wanted) {
    for (const std::string& role : GrantedRoles(provider)) {
      auto it = found.find(role);
      if (it == found.end()) {
        errors.push_back(
            absl::StrCat("auth provider ", provider.name, " names unknown role ", role));
      } else if (it->second == Origin::kApi) {
        errors.push_back(absl::StrCat("auth provider ", provider.name, " names role ", role,
                                      ", which is managed through the API; declarative auth "
                                      "providers may use only declarative or built-in roles"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

void CheckDistinctClients(const std::vector<DeclarativeAuthProviderSpec>& specs,
                          std::vector<std::string>& errors) {
  std::set<std::pair<std::string, std::string>> clients;
  for (const DeclarativeAuthProviderSpec& spec : specs) {
    if (!clients.emplace(spec.issuer, spec.client_id).second) {
      errors.push_back(absl::StrCat("auth provider ", spec.name, " uses issuer ", spec.issuer,
                                    " with client id ", spec.client_id,
                                    " like another auth provider"));
    }
  }
}

absl::Status ApplyDeclarativeProviders(pqxx::transaction_base& tx,
                                       const std::vector<DeclarativeAuthProviderSpec>& specs,
                                       DeclarativeChanges& changes) {
  std::vector<std::string> names;
  for (const DeclarativeAuthProviderSpec& spec : specs) names.push_back(spec.name);
  ASSIGN_OR_RETURN(const std::vector<AuthProvider> locked, LockDeclarativeProviders(tx, names));
  std::map<std::string, const AuthProvider*> existing;  // by name
  for (const AuthProvider& provider : locked) existing.emplace(provider.name, &provider);

  // A name from the file taken by an API provider.
  std::vector<std::string> taken;
  for (const std::string& name : names) {
    auto it = existing.find(name);
    if (it != existing.end() && it->second->origin != Origin::kDeclarative) {
      taken.push_back(
          absl::StrCat("auth provider ", name, " already exists and is not declarative"));
    }
  }
  if (!taken.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(taken, "; ")));
  }

  std::vector<AuthProvider> wanted;
  for (const DeclarativeAuthProviderSpec& spec : specs) {
    AuthProvider provider = FromDeclarative(spec);
    auto it = existing.find(spec.name);
    provider.id = it != existing.end() ? it->second->id : NewUuidV4();
    wanted.push_back(std::move(provider));
  }
  std::vector<std::string> errors;
  RETURN_IF_ERROR(CheckRolesOfFile(tx, wanted, errors));
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(errors, "; ")));
  }

  // Removed first, so that a provider renamed in the file may keep its issuer and client.
  const std::set<std::string> keep(names.begin(), names.end());
  for (const AuthProvider& provider : locked) {
    if (keep.count(provider.name) > 0) continue;
    DeleteProvider(tx, provider.id);
    ++changes.deleted;
  }
  std::vector<std::string> conflicts;
  for (const AuthProvider& provider : wanted) {
    if (absl::Status s = CheckUnique(tx, provider); !s.ok()) {
      conflicts.push_back(std::string(s.message()));
    }
  }
  if (!conflicts.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("declarative configuration: ", absl::StrJoin(conflicts, "; ")));
  }
  for (AuthProvider& provider : wanted) {
    auto it = existing.find(provider.name);
    if (it == existing.end()) {
      provider.revision = 1;
      InsertProvider(tx, provider);
      ++changes.created;
      continue;
    }
    const AuthProvider& stored = *it->second;
    provider.revision = stored.revision;
    if (provider == stored) continue;
    if (!SessionsSurvive(stored, provider)) ++provider.revision;
    UpdateProvider(tx, provider);
    ++changes.updated;
  }
  return absl::OkStatus();
}

}  // namespace warden::storage::auth_provider_tables
