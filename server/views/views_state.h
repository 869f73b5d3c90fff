#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/m2m/m2m_view.h"
#include "server/signin/auth_provider_view.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"
#include "validation/validation_state.h"

namespace warden {

// The server's ValidationState: its in-memory views of revocations, roles, M2M
// configurations and auth providers, which the change feed keeps current. Thread-safe; the views
// must outlive it.
class ViewsState final : public ValidationState {
 public:
  ViewsState(const RevocationView& revocations, const RoleView& roles, const M2mView& m2m,
             const AuthProviderView& providers)
      : revocations_(revocations), roles_(roles), m2m_(m2m), providers_(providers) {}

  bool IsRevoked(const std::string& token_id, absl::Time now) const override;
  std::optional<std::string> MissingRole(const std::vector<std::string>& roles) const override;
  std::optional<int64_t> M2mConfigRevision(const std::string& config_id) const override;
  std::optional<int64_t> AuthProviderRevision(const std::string& provider_id) const override;

 private:
  const RevocationView& revocations_;
  const RoleView& roles_;
  const M2mView& m2m_;
  const AuthProviderView& providers_;
};

}  // namespace warden
