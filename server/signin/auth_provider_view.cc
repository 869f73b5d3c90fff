#include "server/signin/auth_provider_view.h"

namespace warden {

AuthProviderSnapshot::AuthProviderSnapshot(std::vector<AuthProvider> providers) {
  for (AuthProvider& provider : providers) {
    name_by_id_[provider.id] = provider.name;
    auto rules = std::make_shared<const MappingMatcher>(provider.rules);
    std::string name = provider.name;
    by_name_[name] = AuthProviderEntry{std::move(provider), std::move(rules)};
  }
}

const AuthProviderEntry* AuthProviderSnapshot::FindByName(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

const AuthProviderEntry* AuthProviderSnapshot::FindById(const std::string& id) const {
  auto it = name_by_id_.find(id);
  return it == name_by_id_.end() ? nullptr : FindByName(it->second);
}

std::vector<std::string> AuthProviderSnapshot::names() const {
  std::vector<std::string> names;
  names.reserve(by_name_.size());
  for (const auto& [name, entry] : by_name_) names.push_back(name);
  return names;
}

std::vector<std::pair<std::string, int64_t>> AuthProviderSnapshot::revisions() const {
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(name_by_id_.size());
  for (const auto& [id, name] : name_by_id_) {
    out.emplace_back(id, by_name_.at(name).provider.revision);
  }
  return out;
}

}  // namespace warden
