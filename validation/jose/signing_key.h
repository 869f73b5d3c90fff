#pragma once

// One asymmetric JWS key (RFC 7515/7518/8037): the algorithm follows from the key type, so
// a token can never be verified with an algorithm its key was not made for.

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "validation/jose/signature_verifier.h"

namespace warden::jose {

enum class JwsAlgorithm { kEs256, kRs256, kEdDsa };

// The JWS "alg" name: "ES256", "RS256" or "EdDSA".
std::string_view AlgorithmName(JwsAlgorithm alg);

// An immutable signing or verification key; owns an OpenSSL EVP_PKEY. Thread-safe: every
// method is const and may be called from any thread concurrently. Shared by KeyRing and
// callers through std::shared_ptr<const SigningKey>.
class SigningKey final {
 public:
  // Parses a PEM private key (PKCS#8 or traditional "EC/RSA PRIVATE KEY") or a PEM public key
  // (SubjectPublicKeyInfo). The algorithm follows the key type: EC P-256 -> ES256, RSA of at
  // least 2048 bits -> RS256, Ed25519 -> EdDSA. Anything else, including smaller RSA keys,
  // other curves and encrypted private keys, is INVALID_ARGUMENT naming the type or curve.
  // Error messages never contain key material.
  static absl::StatusOr<std::shared_ptr<const SigningKey>> FromPem(std::string_view pem);

  // FromPem on the contents of the file at `path`. Errors name the path.
  static absl::StatusOr<std::shared_ptr<const SigningKey>> LoadFile(const std::string& path);

  // A public key from a JWK (RFC 7517/7518/8037), as an outside issuer publishes it in its
  // JWKS: {"kty":"RSA","n","e"} (2048 to 16384 bits) -> RS256, {"kty":"EC","crv":"P-256",
  // "x","y"} (a point on the curve) -> ES256, {"kty":"OKP","crv":"Ed25519","x"} -> EdDSA.
  // The kid is the JWK's "kid" when present (an issuer's kids are its own names, not RFC 7638
  // thumbprints), else the thumbprint. "alg", when present, must be the key type's algorithm;
  // "use", when present, must be "sig"; "key_ops", when present, must include "verify".
  // Private members are ignored: the key never signs. Anything else, including key types,
  // curves and algorithms Warden does not support, is INVALID_ARGUMENT naming what is wrong
  // (never key material).
  static absl::StatusOr<std::shared_ptr<const SigningKey>> FromJwk(const nlohmann::json& jwk);

  // A fresh key from OpenSSL's CSPRNG (RSA: 2048 bits). CHECK-fails if OpenSSL cannot
  // generate a key, which only happens when the library itself is broken.
  static std::shared_ptr<const SigningKey> Generate(JwsAlgorithm alg);

  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  JwsAlgorithm algorithm() const { return algorithm_; }

  // The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. Tokens carry it as
  // their "kid" header; it is the same for a private key and its public half. For a key made
  // by FromJwk, the JWK's own "kid" when it had one.
  const std::string& kid() const { return kid_; }

  // True if the key holds the private part and so can sign.
  bool can_sign() const { return can_sign_; }

  // The private key as PKCS#8 PEM (unencrypted). REQUIRES: can_sign().
  std::string PrivateKeyPem() const;

  // The public key as SubjectPublicKeyInfo PEM.
  std::string PublicKeyPem() const;

  // The public key as a JWK: {kty, crv, x, y} (EC), {kty, n, e} (RSA) or {kty, crv, x}
  // (Ed25519), plus kid, alg and "use": "sig". Never contains private members.
  nlohmann::json PublicJwk() const;

  // The JWS signature of `signing_input` in the algorithm's wire form: ES256 returns raw
  // r||s (64 bytes, each half zero-padded to 32), not DER, always in low-S form (s <= n/2,
  // see ecdsa_signature.h). REQUIRES: can_sign(); otherwise FAILED_PRECONDITION. INTERNAL if
  // OpenSSL fails.
  absl::StatusOr<std::string> Sign(std::string_view signing_input) const;

  // True if `signature` is a valid JWS signature of `signing_input` in the algorithm's wire
  // form (ES256: exactly 64 bytes raw r||s; DER is rejected). ES256 accepts both the low-S and
  // the high-S form here: whether to insist on low-S is VerifyJws's choice (JwsOptions).
  bool Verify(std::string_view signing_input, std::string_view signature) const;

 private:
  struct PkeyFree {
    void operator()(EVP_PKEY* pkey) const;
  };
  using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

  // Validates the key type and builds the key; the single path every factory goes through.
  // `kid` replaces the thumbprint when not empty.
  static absl::StatusOr<std::shared_ptr<const SigningKey>> FromPkey(PkeyPtr pkey, bool can_sign,
                                                                    std::string kid = "");

  SigningKey(PkeyPtr pkey, JwsAlgorithm algorithm, bool can_sign, nlohmann::json public_jwk);

  const PkeyPtr pkey_;
  // ES256 and RS256 checks, with contexts reused across calls; EdDSA verifies one-shot.
  const SignatureVerifier verifier_;
  const JwsAlgorithm algorithm_;
  const bool can_sign_;
  const nlohmann::json public_jwk_;  // Includes kid, alg and use.
  const std::string kid_;
};

}  // namespace warden::jose
