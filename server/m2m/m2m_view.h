#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/revisioned_view.h"
#include "domain/m2m.h"
#include "server/m2m/mapping_matcher.h"

namespace warden {

// One M2M configuration ready for use: its compiled mappings next to it.
struct M2mEntry {
  M2mConfig config;
  std::shared_ptr<const MappingMatcher> matcher;
};

// An immutable set of M2M configurations, by issuer and by id.
class M2mSnapshot final {
 public:
  explicit M2mSnapshot(std::vector<M2mConfig> configs);
  // nullptr if no configuration trusts that issuer / has that id.
  const M2mEntry* FindByIssuer(const std::string& issuer) const;
  const M2mEntry* FindById(const std::string& id) const;
  // The ids of every configuration, ordered.
  std::vector<std::string> ids() const;
  // Each configuration's (id, revision), ordered by id.
  std::vector<std::pair<std::string, int64_t>> revisions() const;

 private:
  std::map<std::string, M2mEntry> by_issuer_;
  std::map<std::string, std::string> issuer_by_id_;
};

// The in-memory view of M2M configurations used by exchange and validation (a token
// exchanged through a configuration dies with it).
using M2mView = RevisionedView<M2mSnapshot, M2mConfig>;

}  // namespace warden
