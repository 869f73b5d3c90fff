#include "server/app/declarative_roles.h"

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "declarative/declarative_config.h"
#include "glog/logging.h"

namespace warden {
namespace {

std::string Summary(const storage::DeclarativeChanges& c) {
  return absl::StrCat(c.created, " created, ", c.updated, " updated, ", c.deleted, " deleted");
}

}  // namespace

DeclarativeRoles::DeclarativeRoles(std::string path, storage::DeclarativeStore& store,
                                   RoleAuthority& authority, const Clock& clock)
    : path_(std::move(path)), store_(store), authority_(authority), clock_(clock) {}

absl::Status DeclarativeRoles::Apply() {
  if (path_.empty()) return absl::OkStatus();
  absl::StatusOr<DeclarativeConfig> config = LoadDeclarativeConfigFile(path_);
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
  LOG(INFO) << "applied declarative configuration " << path_ << ": permission sets "
            << Summary(result->permission_sets) << "; access scopes "
            << Summary(result->access_scopes) << "; roles " << Summary(result->roles);
  if (!refreshed.ok()) {
    LOG(WARNING) << "role view reload after the declarative configuration failed: "
                 << refreshed.message();
  }
  return absl::OkStatus();
}

}  // namespace warden
