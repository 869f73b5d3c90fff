#pragma once

#include <re2/re2.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/m2m.h"

namespace warden {

// Claim values by key, as oidc::FlattenClaims produces them (nested objects as dotted keys,
// arrays as several values, numbers and booleans as text).
using FlatClaims = std::map<std::string, std::vector<std::string>>;

// The compiled mappings of one M2M configuration. An expression must match a claim value
// in FULL (RE2::FullMatch): "org/repo" never matches "org/repo-evil", which the anchor's
// substring matching allowed. Immutable; thread-safe.
class MappingMatcher final {
 public:
  // REQUIRES: every expression compiles (ValidateM2mConfig checked it); one that does not
  // matches nothing.
  explicit MappingMatcher(const std::vector<M2mMapping>& mappings);

  // The union of the roles whose mapping matches some value of its claim, sorted, without
  // duplicates. Empty: no mapping matched.
  std::vector<std::string> Roles(const FlatClaims& claims) const;

 private:
  struct Compiled {
    std::string key;
    std::unique_ptr<RE2> expression;
    std::string role;
  };
  std::vector<Compiled> mappings_;
};

}  // namespace warden
