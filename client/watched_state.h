#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"
#include "validation/validation_state.h"

namespace warden {

// A client's copy of the state token validation needs, as WatchRevocations delivers it:
// revoked ids, roles, and the revision of every M2M configuration and auth provider. Thread-safe:
// the watch thread applies messages while any thread validates.
class WatchedState final : public ValidationState {
 public:
  RevocationView& revocations() { return revocations_; }
  RoleView& roles() { return roles_; }
  const RoleView& roles() const { return roles_; }
  // Replaces the set of M2M configurations: id -> revision.
  void ReplaceM2mConfigs(std::map<std::string, int64_t> revisions);
  // Replaces the set of auth providers: id -> revision.
  void ReplaceAuthProviders(std::map<std::string, int64_t> revisions);

  bool IsRevoked(const std::string& token_id, absl::Time now) const override;
  std::optional<std::string> MissingRole(const std::vector<std::string>& roles) const override;
  std::optional<int64_t> M2mConfigRevision(const std::string& config_id) const override;
  std::optional<int64_t> AuthProviderRevision(const std::string& provider_id) const override;

 private:
  RevocationView revocations_;
  RoleView roles_;
  mutable absl::Mutex mu_;
  std::map<std::string, int64_t> m2m_revisions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> provider_revisions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden
