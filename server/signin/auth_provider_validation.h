#pragma once

#include "absl/status/statusor.h"
#include "domain/auth_provider.h"

namespace warden {

// Checks and normalises a provider before storage sees it (SPEC §6a):
// - name: 1 to 64 of a-z, 0-9 and '-', starting with a letter (it is part of people's ids,
//   "<name>:<sub>", and of URLs);
// - issuer: an https URL, as for M2M issuers;
// - client_id: 1 to 256 printable characters;
// - client_secret_file: empty (a public client), or a file NAME (no '/', not "." or "..")
//   in the server's auth provider secrets directory: the server reads the file and sends
//   its content to the provider, so a path anywhere else would let whoever edits providers
//   send any file of the server to a host of their choosing;
// - scopes: words without spaces; empty means openid, email and profile; "openid" is added
//   first when missing; duplicates dropped;
// - name_claim: empty (email, falling back to sub) or a claim key;
// - rules: as M2M mappings (key, role, an RE2 expression); none is allowed when the
//   minimum role grants something.
// Returns the normalised provider, or INVALID_ARGUMENT naming the field.
absl::StatusOr<AuthProvider> ValidateAuthProvider(AuthProvider provider);

}  // namespace warden
