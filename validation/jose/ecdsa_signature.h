#pragma once

// ES256 signatures on the wire (RFC 7518 §3.4): OpenSSL speaks DER, JWS speaks raw r||s.
// And their canonical form: for every valid ECDSA signature (r, s), (r, n - s) is valid too,
// so without a rule one token would have two strings (malleability). Warden signs and accepts
// only the "low-S" form, s <= n/2, as Bitcoin (BIP 62/146) and libsecp256k1 do.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace warden::jose {

// Bytes of an ES256 signature in JWS form: r and s, each zero-padded to 32 bytes.
inline constexpr size_t kEs256SignatureBytes = 64;

// OpenSSL's DER ECDSA-Sig-Value as JWS raw r||s, in low-S form (s replaced by n - s when
// s > n/2). nullopt if `der` is not a P-256 signature.
std::optional<std::string> Es256DerToRaw(std::string_view der);

// A JWS raw r||s as DER, for OpenSSL to verify. nullopt unless `raw` has exactly
// kEs256SignatureBytes (DER handed in as a JWS signature is refused here).
std::optional<std::string> Es256RawToDer(std::string_view raw);

// True if `raw` (r||s) has kEs256SignatureBytes and s <= n/2, n the order of P-256. Says
// nothing about whether the signature is valid.
bool Es256IsLowS(std::string_view raw);

// The other valid form of `raw`: r||(n - s). nullopt unless `raw` has kEs256SignatureBytes
// and 0 < s < n.
std::optional<std::string> Es256NegateS(std::string_view raw);

}  // namespace warden::jose
