#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden {

enum class IdentityKind {
  kApiToken,
  kAdmin,
  kM2m,
};

// Who is calling: the result of authentication. Roles are names; their permissions are
// resolved against the current role view when needed, so that role edits apply at once.
struct Identity {
  IdentityKind kind = IdentityKind::kApiToken;
  std::string id;    // token id for api tokens, "admin" for the admin user
  std::string name;  // token name, or the user name
  std::vector<std::string> roles;
  std::optional<absl::Time> expires_at;  // unset for identities that do not expire

  // A stable "kind:id" string recorded as a token's created_by.
  std::string Principal() const {
    switch (kind) {
      case IdentityKind::kApiToken:
        return "token:" + id;
      case IdentityKind::kAdmin:
        return "user:" + id;
      case IdentityKind::kM2m:
        return "m2m:" + id;
    }
    return id;
  }
};

}  // namespace warden
