#pragma once

#include <string>

namespace warden {

// Cryptographically random bytes from OpenSSL's CSPRNG. CHECK-fails if the CSPRNG fails,
// since nothing that needs randomness can continue safely without it. Thread-safe.
std::string RandomBytes(size_t n);

// A random RFC 4122 version 4 UUID in canonical lower-case form. Thread-safe.
std::string NewUuidV4();

// True if `s` is a UUID in canonical form (8-4-4-4-12 hex, any case).
bool IsUuid(const std::string& s);

}  // namespace warden
