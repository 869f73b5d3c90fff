#pragma once

#include "domain/auth_provider.h"
#include "warden/v1/auth_provider.pb.h"

namespace warden {

// Conversions between warden.v1 auth provider messages and domain types, for AuthProviderApi.
void ToProto(const AuthProvider& provider, v1::AuthProvider* out);
// Output-only fields (origin, revision) are ignored.
AuthProvider FromProto(const v1::AuthProvider& provider);

}  // namespace warden
