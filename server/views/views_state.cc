#include "server/views/views_state.h"

namespace warden {

bool ViewsState::IsRevoked(const std::string& token_id, absl::Time now) const {
  return revocations_.IsRevoked(token_id, now);
}

std::optional<std::string> ViewsState::MissingRole(const std::vector<std::string>& roles) const {
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();  // one snapshot for all
  for (const std::string& role : roles) {
    if (snapshot->Find(role) == nullptr) return role;
  }
  return std::nullopt;
}

std::optional<int64_t> ViewsState::M2mConfigRevision(const std::string& config_id) const {
  std::shared_ptr<const M2mSnapshot> snapshot = m2m_.Snapshot();  // keeps `entry` alive
  const M2mEntry* entry = snapshot->FindById(config_id);
  if (entry == nullptr) return std::nullopt;
  return entry->config.revision;
}

std::optional<int64_t> ViewsState::AuthProviderRevision(const std::string& provider_id) const {
  std::shared_ptr<const AuthProviderSnapshot> snapshot = providers_.Snapshot();
  const AuthProviderEntry* entry = snapshot->FindById(provider_id);
  if (entry == nullptr) return std::nullopt;
  return entry->provider.revision;
}

}  // namespace warden
