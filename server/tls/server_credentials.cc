#include "server/tls/server_credentials.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <limits>

#include "common/status_macros.h"
#include "glog/logging.h"
#include "server/tls/certificate_files.h"

namespace warden::tls {
namespace {

// gRPC's file watcher counts in whole seconds.
unsigned int ReloadSeconds(absl::Duration interval) {
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(interval, absl::Seconds(1)));
  if (seconds < 1) return 1;
  if (seconds > std::numeric_limits<unsigned int>::max()) {
    return std::numeric_limits<unsigned int>::max();
  }
  return static_cast<unsigned int>(seconds);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options) {
  CHECK(!options.cert_file.empty() && !options.key_file.empty());
  ASSIGN_OR_RETURN(CertificateSummary leaf, CheckKeyPairFiles(options.cert_file, options.key_file));
  const absl::Time now = absl::Now();
  LOG(INFO) << "TLS certificate " << options.cert_file << ": subject " << leaf.subject
            << ", serial " << leaf.serial << ", valid until "
            << absl::FormatTime(leaf.not_after, absl::UTCTimeZone());
  if (now < leaf.not_before || now > leaf.not_after) {
    LOG(WARNING) << "TLS certificate " << options.cert_file
                 << " is not valid now: clients will refuse it until it is replaced";
  }
  if (!options.client_ca_file.empty()) {
    ASSIGN_OR_RETURN(int cas, CheckClientCaFile(options.client_ca_file));
    LOG(INFO) << "TLS client CA file " << options.client_ca_file << ": " << cas
              << " certificate(s)";
  }

  const unsigned int reload_seconds = ReloadSeconds(options.reload_interval);
  std::shared_ptr<grpc::experimental::CertificateProviderInterface> provider;
  if (options.client_ca_file.empty()) {
    provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        options.key_file, options.cert_file, reload_seconds);
  } else {
    provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        options.key_file, options.cert_file, options.client_ca_file, reload_seconds);
  }
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!options.client_ca_file.empty()) {
    tls.watch_root_certs();
    tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(tls);
  if (credentials == nullptr) return absl::InternalError("gRPC refused the TLS server options");
  return credentials;
}

}  // namespace warden::tls
