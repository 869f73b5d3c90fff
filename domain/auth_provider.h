#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/m2m.h"
#include "domain/role.h"

namespace warden {

// A rule of an auth provider has the shape of an M2M mapping, and matches the same way: the
// claim `key`'s value (any element of an array) must match `value_expression` in full.
using AuthProviderRule = M2mMapping;

// An OIDC identity provider people sign in through (SPEC §6a). Its client secret is never
// part of it: only the path of the file that holds it.
struct AuthProvider {
  std::string id;  // UUID, assigned by storage
  // Assigned by storage: 1 when added, raised by each change that could take a role away
  // (see SessionsSurvive). Session tokens carry it and die when it moves on.
  int64_t revision = 1;
  std::string name;  // unique, immutable; part of every person's id
  std::string issuer;
  std::string client_id;
  std::string client_secret_file;   // empty: a public client
  std::vector<std::string> scopes;  // as asked for; always includes "openid"
  std::string name_claim;           // empty: "email", else "sub"
  std::vector<AuthProviderRule> rules;
  std::string minimum_role;  // empty: None
  Origin origin = Origin::kApi;
  bool operator==(const AuthProvider&) const = default;
};

// The provider an entry of the declarative file describes (origin kDeclarative, no id yet).
inline AuthProvider FromDeclarative(const DeclarativeAuthProviderSpec& spec) {
  AuthProvider provider;
  provider.name = spec.name;
  provider.issuer = spec.issuer;
  provider.client_id = spec.client_id;
  provider.client_secret_file = spec.client_secret_file;
  provider.scopes = spec.scopes;
  provider.name_claim = spec.name_claim;
  provider.rules = spec.rules;
  provider.minimum_role = spec.minimum_role;
  provider.origin = Origin::kDeclarative;
  return provider;
}

// Whether sessions begun under `before` may live on under `after`: true only when the change
// cannot take a role from anyone (the same issuer, client and minimum role, and every rule of
// `before` still in `after`). Otherwise the revision is raised and the sessions end.
inline bool SessionsSurvive(const AuthProvider& before, const AuthProvider& after) {
  if (before.issuer != after.issuer || before.client_id != after.client_id ||
      before.minimum_role != after.minimum_role || before.name_claim != after.name_claim) {
    return false;
  }
  for (const AuthProviderRule& rule : before.rules) {
    bool kept = false;
    for (const AuthProviderRule& now : after.rules) kept = kept || now == rule;
    if (!kept) return false;
  }
  return true;
}

}  // namespace warden
