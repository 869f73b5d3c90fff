#pragma once

// The fixed refusals of a token's claims, shared by Warden's JWT verification (jwt.cc) and
// outside issuers' ID tokens (server/oidc/id_token.cc), so both say the same words. Every
// one is UNAUTHENTICATED and names a claim, never its value.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace warden::jose {

inline absl::Status Reject(absl::string_view reason) { return absl::UnauthenticatedError(reason); }
inline absl::Status MissingClaim(absl::string_view claim) {
  return Reject(absl::StrCat("token is missing claim ", claim));
}
inline absl::Status MalformedClaim(absl::string_view claim) {
  return Reject(absl::StrCat("token claim ", claim, " is malformed"));
}

}  // namespace warden::jose
