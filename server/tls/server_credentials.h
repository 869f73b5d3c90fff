#pragma once

// TLS for warden-server's listening port: certificate and key files that gRPC re-reads on
// a timer (rotation without restart), and optionally client certificates required.

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::tls {

struct ServerTlsOptions {
  std::string cert_file;       // PEM certificate chain, leaf first
  std::string key_file;        // the leaf's PEM private key, unencrypted
  std::string client_ca_file;  // empty: clients are not asked for a certificate
  // How often the three files are re-read; a change applies to new connections.
  // Whole seconds (rounded up), at least one.
  absl::Duration reload_interval = absl::Seconds(60);
};

// Checks the files now (CheckKeyPairFiles, CheckClientCaFile: a bad path or a mismatched
// key is an error naming the file), logs the certificate's subject, serial and expiry, and
// returns credentials for grpc::ServerBuilder::AddListeningPort. They serve `cert_file` and
// `key_file`; with `client_ca_file`, every client must present a certificate that chains to
// it. A gRPC thread re-reads the files every `reload_interval`; a file it cannot read then is
// logged by gRPC and the previous certificate stays in use. Replace the certificate and key
// together and atomically (a Kubernetes Secret volume does): a pair read half-way through a
// rotation fails handshakes until the next reload.
// REQUIRES: cert_file and key_file not empty.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options);

}  // namespace warden::tls
