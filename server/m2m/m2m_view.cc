#include "server/m2m/m2m_view.h"

namespace warden {

M2mSnapshot::M2mSnapshot(std::vector<M2mConfig> configs) {
  for (M2mConfig& config : configs) {
    issuer_by_id_[config.id] = config.issuer;
    auto matcher = std::make_shared<const MappingMatcher>(config.mappings);
    std::string issuer = config.issuer;
    by_issuer_[issuer] = M2mEntry{std::move(config), std::move(matcher)};
  }
}

const M2mEntry* M2mSnapshot::FindByIssuer(const std::string& issuer) const {
  auto it = by_issuer_.find(issuer);
  return it == by_issuer_.end() ? nullptr : &it->second;
}

const M2mEntry* M2mSnapshot::FindById(const std::string& id) const {
  auto it = issuer_by_id_.find(id);
  return it == issuer_by_id_.end() ? nullptr : FindByIssuer(it->second);
}

std::vector<std::pair<std::string, int64_t>> M2mSnapshot::revisions() const {
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(issuer_by_id_.size());
  for (const auto& [id, issuer] : issuer_by_id_) {
    out.emplace_back(id, by_issuer_.at(issuer).config.revision);
  }
  return out;
}

std::vector<std::string> M2mSnapshot::ids() const {
  std::vector<std::string> ids;
  ids.reserve(issuer_by_id_.size());
  for (const auto& [id, issuer] : issuer_by_id_) ids.push_back(id);
  return ids;
}

}  // namespace warden
