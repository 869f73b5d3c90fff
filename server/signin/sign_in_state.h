#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "validation/jose/key_ring.h"

namespace warden {

// What a sign-in must remember between StartSignIn and CompleteSignIn, carried by the
// `state` parameter itself instead of a server-side row, so that any replica can complete
// what another started: a JWS signed with Warden's token key, whose `typ` and audience no
// Warden token has (so it is never accepted as one). It holds nothing secret: the nonce also
// travels in the authorization URL, and the PKCE verifier stays with the client.
struct SignInState {
  std::string id;            // random; a state is used once (storage::SignInStateRecords)
  std::string provider_id;   // the provider the sign-in started at
  std::string redirect_uri;  // sent to the provider, and again with the code
  std::string nonce;         // the ID token's `nonce` must equal it
  absl::Time expires_at;
};

inline constexpr absl::Duration kSignInStateLifetime = absl::Minutes(10);

// Signs `state` with the ring's signer. `issuer` is Warden's token issuer.
absl::StatusOr<std::string> SealSignInState(const jose::KeyRing& keys, const std::string& issuer,
                                            const SignInState& state);

// Verifies a state made by SealSignInState with any key of `keys` and returns it.
// UNAUTHENTICATED "the sign-in state is not valid: start again" when it is not one (forged,
// altered, another kind of JWS, another issuer), "the sign-in took too long: start again"
// when it expired. Never echoes the state.
absl::StatusOr<SignInState> OpenSignInState(const jose::KeyRing& keys, const std::string& issuer,
                                            std::string_view sealed, absl::Time now);

}  // namespace warden
