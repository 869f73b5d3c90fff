#pragma once

// Signature checks with one public key that reuse OpenSSL's contexts from call to call.
// OpenSSL 3 fetches an algorithm by name from its providers and attaches the key to a new
// context on every EVP_DigestVerifyInit; done once per context here, that work leaves the
// hot path, which then costs the digest and the public-key operation alone.

#include <openssl/types.h>

#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace warden::jose {

// SHA-256, fetched once from the default provider (EVP_sha256() looks it up on every use).
const EVP_MD* FetchedSha256();

// Verifies SHA-256 signatures (ECDSA, or RSA with PKCS#1 v1.5 padding) with one key.
// Thread-safe: each call takes an idle pair of contexts (making one when none is idle) and
// gives it back, so at most as many exist as calls ever ran at once.
class SignatureVerifier final {
 public:
  // `pkey` is an EC or RSA public (or private) key and must outlive the verifier.
  explicit SignatureVerifier(EVP_PKEY* pkey) : pkey_(pkey) {}
  ~SignatureVerifier();

  SignatureVerifier(const SignatureVerifier&) = delete;
  SignatureVerifier& operator=(const SignatureVerifier&) = delete;

  // True if `signature` (ECDSA: DER) is the key's signature of the SHA-256 of `data`.
  bool Verify(std::string_view data, std::string_view signature) const;

 private:
  struct Contexts {
    EVP_MD_CTX* digest = nullptr;
    EVP_PKEY_CTX* verify = nullptr;  // initialized for verification with SHA-256
  };
  // A fresh pair; both null if OpenSSL cannot make one.
  Contexts Make() const;
  static void Free(Contexts contexts);

  EVP_PKEY* const pkey_;
  mutable absl::Mutex mu_;
  mutable std::vector<Contexts> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::jose
