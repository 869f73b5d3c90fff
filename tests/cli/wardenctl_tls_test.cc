// End to end: wardenctl against a warden-server that serves TLS and requires client
// certificates (WARDEN_TLS_CLIENT_CA). Every certificate is made by the test.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/match.h"
#include "tests/cli/wardenctl_runner.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_pki.h"

namespace warden::testing {
namespace {

TEST_CASE("wardenctl logs in over mutual TLS and its session remembers the certificate") {
  TestDatabase database;
  TestPki server_pki;
  TestPki client_pki;
  client_pki.IssueClientCertificate("operator", "operator");
  // Its health answers over mutual TLS only, so the harness presents the operator's
  // certificate too. Start waits until SERVING: login mints a token, which is never retried,
  // so it must not race the server's start.
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_TLS_CERT", server_pki.Path("server.pem")},
                        {"WARDEN_TLS_KEY", server_pki.Path("server.key")},
                        {"WARDEN_TLS_CLIENT_CA", client_pki.Path("ca.pem")}},
                       ClientTls{.ca_file = server_pki.Path("ca.pem"),
                                 .cert_file = client_pki.Path("operator.pem"),
                                 .key_file = client_pki.Path("operator.key"),
                                 .server_name = ""});
  server.Start();
  WardenctlRunner cli;
  const std::string password_file = server.data_dir() + "/data/admin-password";
  const std::vector<std::string> tls = {"--endpoint",  server.address(),
                                        "--ca-file",   server_pki.Path("ca.pem"),
                                        "--cert-file", client_pki.Path("operator.pem"),
                                        "--key-file",  client_pki.Path("operator.key")};
  auto with_tls = [&](std::vector<std::string> args) {
    args.insert(args.end(), tls.begin(), tls.end());
    return args;
  };

  // With the certificate: login, then whoami from the session alone.
  CliResult login =
      cli.Run(with_tls({"login", "--password-file", password_file, "--timeout", "30s"}));
  INFO(Describe(login));
  REQUIRE(login.exit_code == 0);
  nlohmann::json config = nlohmann::json::parse(ReadFile(cli.config_path()));
  CHECK(config["cert_file"] == client_pki.Path("operator.pem"));
  CHECK(config["key_file"] == client_pki.Path("operator.key"));
  CHECK_FALSE(absl::StrContains(config.dump(), "PRIVATE KEY"));  // paths, never the key
  CliResult whoami = cli.Run({"whoami"});
  INFO(Describe(whoami));
  CHECK(whoami.exit_code == 0);
  CHECK(absl::StrContains(whoami.out, "Admin"));

  // Without a certificate the (running) server refuses the handshake: exit 3.
  WardenctlRunner stranger;
  CliResult refused =
      stranger.Run({"login", "--password-file", password_file, "--endpoint", server.address(),
                    "--ca-file", server_pki.Path("ca.pem"), "--timeout", "2s"});
  INFO(Describe(refused));
  CHECK(refused.exit_code == 3);

  // A certificate without its key is a usage error that sends nothing: exit 1.
  CliResult usage =
      stranger.Run({"whoami", "--endpoint", server.address(), "--ca-file",
                    server_pki.Path("ca.pem"), "--cert-file", client_pki.Path("operator.pem")});
  INFO(Describe(usage));
  CHECK(usage.exit_code == 1);
  CHECK(absl::StrContains(usage.err, "--cert-file and --key-file go together"));
}

}  // namespace
}  // namespace warden::testing
