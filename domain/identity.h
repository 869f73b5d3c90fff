#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden {

enum class IdentityKind {
  kApiToken,
  kAdmin,
  kM2m,
  kUser,  // a person signed in through an auth provider (a session token)
};

// Who is calling: the result of authentication. Roles are names; their permissions are
// resolved against the current role view when needed, so that role edits apply at once.
struct Identity {
  IdentityKind kind = IdentityKind::kApiToken;
  // Token id for API tokens, "admin" for the admin user, "<provider name>:<sub>" for a person.
  std::string id;
  std::string name;  // token name, the user name, or the person's name
  // The Warden token the caller presented (its jti), for every identity that comes from a
  // Warden token; empty for the admin password and third-party ID tokens.
  std::string token_id;
  std::vector<std::string> roles;
  std::optional<absl::Time> expires_at;  // unset for identities that do not expire

  // Set for an M2M identity (a third-party ID token used directly, or a token exchanged for
  // one) and for tokens minted by one: the configuration that admitted it and its revision.
  // Such an identity lives only while that configuration is unchanged, and what it mints
  // expires no later than it does (SPEC §2: short-lived identities never mint long-lived
  // tokens).
  std::string m2m_config_id;
  int64_t m2m_revision = 0;
  // Set for a person (kUser): the provider that signed them in, its revision (a session lives
  // only while it is unchanged), and the claims sign-in used (to name them, or in a rule).
  std::string auth_provider_id;
  int64_t auth_provider_revision = 0;
  std::map<std::string, std::vector<std::string>> claims;
  // The principal at the root of the chain of creators, for a token minted by a token;
  // empty: this identity is its own root (see Root()).
  std::string root;

  // The latest expiration a token this identity mints may have; unset: no bound beyond
  // the server's maximum lifetime.
  std::optional<absl::Time> MintCeiling() const {
    if (m2m_config_id.empty()) return std::nullopt;
    return expires_at;
  }

  // Whose caps (rates, live tokens) this identity's actions count against.
  std::string Root() const { return root.empty() ? Principal() : root; }

  // A stable "kind:id" string recorded as a token's created_by.
  std::string Principal() const {
    switch (kind) {
      case IdentityKind::kApiToken:
        return "token:" + id;
      case IdentityKind::kAdmin:
      case IdentityKind::kUser:
        return "user:" + id;
      case IdentityKind::kM2m:
        return "m2m:" + id;
    }
    return id;
  }
};

}  // namespace warden
