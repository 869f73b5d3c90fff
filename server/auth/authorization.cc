#include "server/auth/authorization.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden {

absl::Status Authorize(Method method, const PermissionMap& permissions) {
  const MethodInfo& info = Describe(method);
  std::vector<std::string> missing;
  for (const Requirement& r : info.requirements) {
    Access held = AccessFor(permissions, r.resource);
    if (held < r.level) {
      missing.push_back(absl::StrCat(r.resource, " (needs ", AccessName(r.level), ", has ",
                                     AccessName(held), ")"));
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(info.name, " is not allowed: missing ", absl::StrJoin(missing, ", ")));
}

}  // namespace warden
