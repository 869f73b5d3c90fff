#include "server/app/declarative_roles.h"

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "declarative/declarative_config.h"
#include "glog/logging.h"
#include "server/signin/auth_provider_validation.h"

namespace warden {
namespace {

std::string Summary(const storage::DeclarativeChanges& c) {
  return absl::StrCat(c.created, " created, ", c.updated, " updated, ", c.deleted, " deleted");
}

}  // namespace

// The file's providers checked and normalised as the API does it (https issuer, expressions
// that compile, "openid" among the scopes), naming the provider that is wrong.
absl::Status CheckDeclarativeAuthProviders(const std::string& path, DeclarativeConfig& config) {
  for (DeclarativeAuthProviderSpec& spec : config.auth_providers) {
    absl::StatusOr<AuthProvider> valid = ValidateAuthProvider(FromDeclarative(spec));
    if (!valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": auth provider \"", spec.name, "\": ", valid.status().message()));
    }
    spec.scopes = valid->scopes;
    spec.minimum_role = valid->minimum_role;
  }
  return absl::OkStatus();
}

DeclarativeRoles::DeclarativeRoles(std::string path, storage::DeclarativeStore& store,
                                   RoleAuthority& authority, AuthProviderAuthority& providers,
                                   const Clock& clock)
    : path_(std::move(path)),
      store_(store),
      authority_(authority),
      providers_(providers),
      clock_(clock) {}

absl::Status DeclarativeRoles::Apply() {
  if (path_.empty()) return absl::OkStatus();
  absl::StatusOr<DeclarativeConfig> config = LoadDeclarativeConfigFile(path_);
  if (config.ok()) {
    if (absl::Status providers = CheckDeclarativeAuthProviders(path_, *config); !providers.ok()) {
      config = providers;
    }
  }
  absl::StatusOr<storage::DeclarativeResult> result =
      config.ok() ? Await<absl::StatusOr<storage::DeclarativeResult>>([&](auto done) {
        store_.ApplyDeclarative(std::move(*config), clock_.Now(), std::move(done));
      })
                  : absl::StatusOr<storage::DeclarativeResult>(config.status());
  if (!result.ok()) {
    LOG(ERROR) << "rejected declarative configuration " << path_
               << ", keeping the previous state: " << result.status().message();
    return result.status();
  }
  absl::Status refreshed =
      Await<absl::Status>([this](auto done) { authority_.RefreshView(std::move(done)); });
  if (refreshed.ok()) {
    refreshed = Await<absl::Status>([this](auto done) { providers_.RefreshView(std::move(done)); });
  }
  LOG(INFO) << "applied declarative configuration " << path_ << ": permission sets "
            << Summary(result->permission_sets) << "; access scopes "
            << Summary(result->access_scopes) << "; roles " << Summary(result->roles)
            << "; auth providers " << Summary(result->auth_providers);
  if (!refreshed.ok()) {
    LOG(WARNING) << "role view reload after the declarative configuration failed: "
                 << refreshed.message();
  }
  return absl::OkStatus();
}

}  // namespace warden
