#pragma once

// An OIDC issuer for the exchange scenario: its discovery document and JWKS served over
// HTTPS on 127.0.0.1 (cpp-httplib, certificate and key from PEM files whose CA the server
// under test trusts through WARDEN_M2M_CA_FILE), and ID tokens signed with its ES256 key.

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "validation/jose/signing_key.h"

namespace warden::bench {

class BenchIssuer final {
 public:
  // Listens on a free 127.0.0.1 port with the PEM certificate and key at the given paths.
  // FAILED_PRECONDITION if they cannot be loaded or no port can be bound.
  static absl::StatusOr<std::unique_ptr<BenchIssuer>> Start(const std::string& cert_file,
                                                            const std::string& key_file);
  ~BenchIssuer();  // stops serving

  // "https://127.0.0.1:<port>".
  const std::string& url() const { return url_; }

  // An ID token as the issuer would sign it: `subject`, audience `audience`, issued now and
  // valid for `lifetime`, plus a unique `jti`. Thread-safe.
  std::string IdToken(const std::string& subject, const std::string& audience,
                      absl::Duration lifetime) const;

 private:
  BenchIssuer(const std::string& cert_file, const std::string& key_file);

  httplib::SSLServer server_;
  std::shared_ptr<const jose::SigningKey> key_;
  std::string kid_ = "bench-issuer-key";
  std::string url_;
  std::thread thread_;
};

}  // namespace warden::bench
