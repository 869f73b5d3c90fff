#include "server/m2m/mapping_matcher.h"

#include <set>

namespace warden {

MappingMatcher::MappingMatcher(const std::vector<M2mMapping>& mappings) {
  for (const M2mMapping& m : mappings) {
    mappings_.push_back({m.key, std::make_unique<RE2>(m.value_expression, RE2::Quiet), m.role});
  }
}

std::vector<std::string> MappingMatcher::Roles(const FlatClaims& claims) const {
  std::set<std::string> roles;
  for (const Compiled& m : mappings_) {
    if (!m.expression->ok()) continue;
    auto it = claims.find(m.key);
    if (it == claims.end()) continue;
    for (const std::string& value : it->second) {
      if (RE2::FullMatch(value, *m.expression)) {
        roles.insert(m.role);
        break;
      }
    }
  }
  return {roles.begin(), roles.end()};
}

}  // namespace warden
