// End to end: warden-server serving TLS from WARDEN_TLS_CERT / WARDEN_TLS_KEY, a certificate
// rotated without a restart, client certificates required by WARDEN_TLS_CLIENT_CA, and
// start-up refusing TLS settings it cannot use. Every certificate is made by the test.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_pki.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden::testing {
namespace {

// The serial of the first certificate in `pem`, upper-case hex ("" if there is none).
std::string SerialOf(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return "";
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr), &BN_free);
  char* hex = BN_bn2hex(serial.get());
  std::string out = hex;
  OPENSSL_free(hex);
  return out;
}

struct AuthStatusReply {
  grpc::Status status;
  v1::Identity identity;
  std::string server_serial;  // of the certificate the server presented
};

AuthStatusReply GetAuthStatus(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& authorization) {
  auto stub = v1::AuthService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  context.AddMetadata("authorization", authorization);
  v1::GetAuthStatusRequest request;
  v1::GetAuthStatusResponse response;
  AuthStatusReply reply;
  reply.status = stub->GetAuthStatus(&context, request, &response);
  reply.identity = response.identity();
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context()) {
    for (const grpc::string_ref& pem : auth->FindPropertyValues("x509_pem_cert")) {
      reply.server_serial = SerialOf(std::string(pem.data(), pem.size()));
    }
  }
  return reply;
}

// Starts warden-server with TLS settings `env` and waits until it serves over TLS as
// `client` (trusting the server's CA, presenting a client certificate if the server wants one).
std::unique_ptr<WardenProcess> StartTlsServer(const TestDatabase& database,
                                              std::map<std::string, std::string> env,
                                              const ClientTls& client) {
  env["WARDEN_DATABASE_URL"] = database.url();
  auto server = std::make_unique<WardenProcess>(std::move(env), client);
  server->Start();
  return server;
}

int CountOf(const std::string& text, const std::string& needle) {
  int found = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++found;
  }
  return found;
}

TEST_CASE("a TLS server answers clients that trust its CA, and no one else") {
  TestDatabase database;
  TestPki pki;
  TestPki other_ca;
  const ClientTls trusting = TrustingCa(pki.Path("ca.pem"));
  auto server = StartTlsServer(
      database,
      {{"WARDEN_TLS_CERT", pki.Path("server.pem")}, {"WARDEN_TLS_KEY", pki.Path("server.key")}},
      trusting);
  CHECK_THAT(server->Log(), Catch::Contains("TLS enabled"));
  CHECK_THAT(server->Log(), !Catch::Contains("client certificates required"));
  const std::string admin = server->AdminAuthorization();

  auto reply = GetAuthStatus(TlsChannel(server->address(), trusting), admin);
  INFO(reply.status.error_message());
  REQUIRE(reply.status.ok());
  CHECK(reply.identity.kind() == v1::IDENTITY_KIND_ADMIN);
  CHECK(reply.server_serial == SerialOf(ReadFile(pki.Path("server.pem"))));

  // The name checked against the certificate may differ from the address dialled.
  ClientTls by_name = trusting;
  by_name.server_name = "localhost";
  CHECK(GetAuthStatus(TlsChannel(server->address(), by_name), admin).status.ok());
  by_name.server_name = "warden.elsewhere";
  CHECK(GetAuthStatus(TlsChannel(server->address(), by_name), admin).status.error_code() ==
        grpc::StatusCode::UNAVAILABLE);

  auto plaintext = GetAuthStatus(
      grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()), admin);
  CHECK(plaintext.status.error_code() == grpc::StatusCode::UNAVAILABLE);

  auto distrusting =
      GetAuthStatus(TlsChannel(server->address(), TrustingCa(other_ca.Path("ca.pem"))), admin);
  CHECK(distrusting.status.error_code() == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("a replaced certificate is served to new connections without a restart") {
  TestDatabase database;
  TestPki pki;
  const ClientTls trusting = TrustingCa(pki.Path("ca.pem"));
  auto server = StartTlsServer(database,
                               {{"WARDEN_TLS_CERT", pki.Path("server.pem")},
                                {"WARDEN_TLS_KEY", pki.Path("server.key")},
                                {"WARDEN_TLS_RELOAD_INTERVAL", "1s"}},
                               trusting);
  const std::string admin = server->AdminAuthorization();
  const std::string old_serial = SerialOf(ReadFile(pki.Path("server.pem")));
  REQUIRE(GetAuthStatus(TlsChannel(server->address(), trusting), admin).server_serial ==
          old_serial);

  // Rotate as an operator would: a new key and certificate from the same CA, each moved over
  // the old file in one rename.
  pki.IssueServerCertificate("next");
  const std::string new_serial = SerialOf(ReadFile(pki.Path("next.pem")));
  REQUIRE(new_serial != old_serial);
  std::filesystem::rename(pki.Path("next.key"), pki.Path("server.key"));
  std::filesystem::rename(pki.Path("next.pem"), pki.Path("server.pem"));

  // The server re-reads the files every second; a new connection soon gets the new one. A
  // handshake may fail while the key is new and the certificate not yet.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  AuthStatusReply reply;
  while (absl::Now() < deadline) {
    reply = GetAuthStatus(TlsChannel(server->address(), trusting), admin);
    if (reply.status.ok() && reply.server_serial == new_serial) break;
    absl::SleepFor(absl::Milliseconds(200));  // bounded by the deadline above
  }
  INFO("last status: " << reply.status.error_message() << "\nserver log:\n" << server->Log());
  CHECK(reply.status.ok());
  CHECK(reply.server_serial == new_serial);
  CHECK(reply.identity.kind() == v1::IDENTITY_KIND_ADMIN);
  CHECK(CountOf(server->Log(), "listening on") == 1);  // the same process throughout
}

TEST_CASE("with a client CA, only clients holding a certificate it signed get in") {
  TestDatabase database;
  TestPki server_pki;
  TestPki client_pki;
  client_pki.IssueClientCertificate("ci", "ci-runner");
  server_pki.IssueClientCertificate("stranger", "stranger");  // the wrong CA for clients
  ClientTls with_cert = TrustingCa(server_pki.Path("ca.pem"));
  with_cert.cert_file = client_pki.Path("ci.pem");
  with_cert.key_file = client_pki.Path("ci.key");
  auto server = StartTlsServer(database,
                               {{"WARDEN_TLS_CERT", server_pki.Path("server.pem")},
                                {"WARDEN_TLS_KEY", server_pki.Path("server.key")},
                                {"WARDEN_TLS_CLIENT_CA", client_pki.Path("ca.pem")}},
                               with_cert);
  CHECK_THAT(server->Log(), Catch::Contains("client certificates required"));
  const std::string admin = server->AdminAuthorization();

  auto without =
      GetAuthStatus(TlsChannel(server->address(), TrustingCa(server_pki.Path("ca.pem"))), admin);
  CHECK(without.status.error_code() == grpc::StatusCode::UNAVAILABLE);

  ClientTls stranger = with_cert;
  stranger.cert_file = server_pki.Path("stranger.pem");
  stranger.key_file = server_pki.Path("stranger.key");
  auto unknown = GetAuthStatus(TlsChannel(server->address(), stranger), admin);
  CHECK(unknown.status.error_code() == grpc::StatusCode::UNAVAILABLE);

  auto allowed = GetAuthStatus(TlsChannel(server->address(), with_cert), admin);
  INFO(allowed.status.error_message());
  CHECK(allowed.status.ok());
  CHECK(allowed.identity.kind() == v1::IDENTITY_KIND_ADMIN);
}

// Runs warden-server with `env` until it exits; returns the exit code and what it printed.
std::pair<int, std::string> RunUntilExit(const TestPki& pki,
                                         std::map<std::string, std::string> env) {
  env.try_emplace("WARDEN_DATABASE_URL", "postgresql://127.0.0.1:1/never-reached");
  env.try_emplace("WARDEN_DATA_DIR", pki.Path("data"));
  env.try_emplace("WARDEN_LISTEN", absl::StrCat("127.0.0.1:", FreeTcpPort()));
  SubprocessOptions options;
  options.argv = {WARDEN_SERVER_BINARY};
  options.env = std::move(env);
  auto process = Subprocess::Start(options);
  REQUIRE(process.ok());
  std::optional<int> code = (*process)->WaitFor(absl::Seconds(60));
  if (!code.has_value()) (*process)->Kill(SIGKILL);
  REQUIRE(code.has_value());
  return {*code, (*process)->ReadStderr() + (*process)->ReadStdout()};
}

TEST_CASE("TLS settings it cannot use stop warden-server at start-up, naming the problem") {
  TestPki pki;
  TestPki other;
  const std::string cert = pki.Path("server.pem");
  const std::string key = pki.Path("server.key");

  SECTION("a certificate without its key") {
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CERT", cert}});
    CHECK(code == 2);
    CHECK_THAT(output, Catch::Contains("--tls-cert (WARDEN_TLS_CERT)") &&
                           Catch::Contains("--tls-key (WARDEN_TLS_KEY)"));
  }
  SECTION("a client CA without TLS") {
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CLIENT_CA", pki.Path("ca.pem")}});
    CHECK(code == 2);
    CHECK_THAT(output, Catch::Contains("WARDEN_TLS_CLIENT_CA") && Catch::Contains("needs TLS"));
  }
  SECTION("a reload interval under a second") {
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CERT", cert},
                                             {"WARDEN_TLS_KEY", key},
                                             {"WARDEN_TLS_RELOAD_INTERVAL", "500ms"}});
    CHECK(code == 2);
    CHECK_THAT(output, Catch::Contains("WARDEN_TLS_RELOAD_INTERVAL"));
  }
  SECTION("a key file that does not exist") {
    const std::string typo = pki.Path("sever.key");
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CERT", cert}, {"WARDEN_TLS_KEY", typo}});
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("cannot open TLS key file " + typo));
  }
  SECTION("a key that belongs to another certificate") {
    auto [code, output] = RunUntilExit(
        pki, {{"WARDEN_TLS_CERT", cert}, {"WARDEN_TLS_KEY", other.Path("server.key")}});
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("does not match the certificate in " + cert));
  }
  SECTION("a certificate file that holds no certificate") {
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CERT", key}, {"WARDEN_TLS_KEY", key}});
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("holds no PEM certificate"));
  }
  SECTION("a client CA file that is not PEM") {
    std::ofstream(pki.Path("garbage.pem")) << "not a certificate\n";
    auto [code, output] = RunUntilExit(pki, {{"WARDEN_TLS_CERT", cert},
                                             {"WARDEN_TLS_KEY", key},
                                             {"WARDEN_TLS_CLIENT_CA", pki.Path("garbage.pem")}});
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("TLS client CA file " + pki.Path("garbage.pem")));
  }
}

}  // namespace
}  // namespace warden::testing
