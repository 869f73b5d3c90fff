#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/revisioned_view.h"
#include "domain/auth_provider.h"
#include "server/m2m/mapping_matcher.h"

namespace warden {

// One auth provider ready for sign-in: its compiled rules next to it.
struct AuthProviderEntry {
  AuthProvider provider;
  std::shared_ptr<const MappingMatcher> rules;
};

// An immutable set of auth providers, by name and by id.
class AuthProviderSnapshot final {
 public:
  explicit AuthProviderSnapshot(std::vector<AuthProvider> providers);
  // nullptr if no provider has that name / id.
  const AuthProviderEntry* FindByName(const std::string& name) const;
  const AuthProviderEntry* FindById(const std::string& id) const;
  bool empty() const { return by_name_.empty(); }
  // Every provider's name, sorted.
  std::vector<std::string> names() const;
  // Each provider's (id, revision), ordered by id: what session validation uses.
  std::vector<std::pair<std::string, int64_t>> revisions() const;

 private:
  std::map<std::string, AuthProviderEntry> by_name_;
  std::map<std::string, std::string> name_by_id_;
};

// The in-memory view of the auth providers that sign-in and session validation use (a session
// dies with its provider, or when its revision moves on).
using AuthProviderView = RevisionedView<AuthProviderSnapshot, AuthProvider>;

}  // namespace warden
