#pragma once

// Start-up checks of the PEM files warden-server serves TLS with. gRPC itself only logs a
// file it cannot use and then fails every handshake; these checks turn a wrong path or a
// mismatched key into a start-up error that names the file.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::tls {

// What the log says about a certificate (never anything secret).
struct CertificateSummary {
  std::string subject;  // RFC 2253 one-line form, e.g. "CN=warden.internal"
  std::string serial;   // upper-case hex, as `openssl x509 -serial` prints it
  absl::Time not_before;
  absl::Time not_after;
};

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// A certificate chain (leaf first) and the leaf's private key, as loaded from PEM files.
struct KeyPair {
  std::vector<X509Ptr> chain;
  PkeyPtr key;
};

// Reads and checks the pair as CheckKeyPairFiles does, and returns it, for a server that
// sets its certificate itself (the HTTP listener).
absl::StatusOr<KeyPair> LoadKeyPairFiles(const std::string& cert_file, const std::string& key_file);

// Reads `cert_file` (a PEM certificate chain, leaf first) and `key_file` (an unencrypted
// PEM private key) and checks that the key belongs to the leaf. Returns the leaf's summary.
// An unreadable file is the errno's code (NOT_FOUND, PERMISSION_DENIED, ...); a file with no
// or malformed PEM, an encrypted key, or a key that does not match is INVALID_ARGUMENT. The
// message names the file.
absl::StatusOr<CertificateSummary> CheckKeyPairFiles(const std::string& cert_file,
                                                     const std::string& key_file);

// Reads `ca_file`, the PEM bundle of CA certificates that client certificates must chain
// to, and returns how many it holds. Errors as for CheckKeyPairFiles; a file with no
// certificate is INVALID_ARGUMENT.
absl::StatusOr<int> CheckClientCaFile(const std::string& ca_file);

}  // namespace warden::tls
