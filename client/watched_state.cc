#include "client/watched_state.h"

namespace warden {

void WatchedState::ReplaceM2mConfigs(std::map<std::string, int64_t> revisions) {
  absl::MutexLock lock(&mu_);
  m2m_revisions_ = std::move(revisions);
}

void WatchedState::ReplaceAuthProviders(std::map<std::string, int64_t> revisions) {
  absl::MutexLock lock(&mu_);
  provider_revisions_ = std::move(revisions);
}

bool WatchedState::IsRevoked(const std::string& token_id, absl::Time now) const {
  return revocations_.IsRevoked(token_id, now);
}

std::optional<std::string> WatchedState::MissingRole(const std::vector<std::string>& roles) const {
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();
  for (const std::string& role : roles) {
    if (snapshot->Find(role) == nullptr) return role;
  }
  return std::nullopt;
}

std::optional<int64_t> WatchedState::M2mConfigRevision(const std::string& config_id) const {
  absl::MutexLock lock(&mu_);
  auto it = m2m_revisions_.find(config_id);
  if (it == m2m_revisions_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> WatchedState::AuthProviderRevision(const std::string& provider_id) const {
  absl::MutexLock lock(&mu_);
  auto it = provider_revisions_.find(provider_id);
  if (it == provider_revisions_.end()) return std::nullopt;
  return it->second;
}

}  // namespace warden
