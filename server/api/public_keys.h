#pragma once

#include "validation/token_validator.h"
#include "warden/v1/auth.pb.h"

namespace warden {

// What AuthService.GetPublicKeys answers: the public half of every key in `tokens`' ring as
// a JWKS, and the issuer, audience and leeway it checks. Every full state of a watch stream
// carries the same, so that local validators drop a key the server no longer publishes.
void FillPublicKeys(const TokenValidator& tokens, v1::GetPublicKeysResponse* out);

}  // namespace warden
