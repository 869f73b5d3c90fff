// Credentials never cross a network in cleartext by default: which endpoints count as
// loopback, and the refusal by warden::Client and by wardenctl's session. Nothing here
// connects anywhere (gRPC channels connect at the first call, which these tests never make).

#include "client/plaintext_policy.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "client/client.h"
#include "client/wardenctl/args.h"
#include "client/wardenctl/commands.h"
#include "client/wardenctl/session.h"

namespace warden {
namespace {

TEST_CASE("loopback endpoints are this machine's addresses, localhost and unix sockets") {
  for (const char* local :
       {"127.0.0.1:8443", "127.1.2.3:1", "127.0.0.1", "localhost:8443", "LOCALHOST", "[::1]:8443",
        "::1", "[::ffff:127.0.0.1]:80", "dns:///127.0.0.1:8443", "dns:localhost:1",
        "dns://8.8.8.8/127.0.0.1:1", "ipv4:127.0.0.1:1,127.0.0.2:1", "ipv6:[::1]:1",
        "unix:/run/warden.sock", "unix:///run/warden.sock", "unix-abstract:warden"}) {
    INFO(local);
    CHECK(IsLoopbackEndpoint(local));
  }
  for (const char* remote :
       {"10.1.2.3:8443", "warden.internal:8443", "128.0.0.1:1", "localhost.evil.example:1",
        "127.0.0.1.evil.example:1", "[::2]:1", "[::1", "0.0.0.0:8443", "dns:///10.1.2.3:1",
        "dns://8.8.8.8/localhost:1", "ipv4:127.0.0.1:1,10.0.0.1:1", "ipv4:", "xds:///warden",
        "passthrough:///127.0.0.1:1", ""}) {
    INFO(remote);
    CHECK_FALSE(IsLoopbackEndpoint(remote));
  }
}

TEST_CASE("Client refuses credentials in cleartext to a remote endpoint unless allowed") {
  ClientOptions options;
  options.endpoint = "10.1.2.3:8443";
  options.credentials = Credentials::AdminPassword("hunter2");
  absl::Status refused = Client::Create(options).status();
  CHECK(refused.code() == absl::StatusCode::kInvalidArgument);
  CHECK(refused.message() ==
        "refusing to send the admin password in cleartext to 10.1.2.3:8443, which is not a "
        "loopback address: set use_tls (and ca_file), or allow_insecure_plaintext on a network "
        "you trust");
  CHECK_FALSE(absl::StrContains(refused.message(), "hunter2"));

  options.allow_insecure_plaintext = true;
  CHECK(Client::Create(options).ok());
  options.allow_insecure_plaintext = false;
  options.use_tls = true;
  CHECK(Client::Create(options).ok());
  options.use_tls = false;
  options.credentials = Credentials();  // nothing secret to send
  absl::StatusOr<std::unique_ptr<Client>> anonymous = Client::Create(options);
  REQUIRE(anonymous.ok());
  // ...except an ID token to exchange, refused before the call.
  absl::Status exchange = (*anonymous)->ExchangeAuthMachineToMachineToken("id.token.here").status();
  CHECK(exchange.code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StartsWith(exchange.message(),
                         "refusing to send the ID token in cleartext to 10.1.2.3:8443"));
  options.credentials = Credentials::BearerToken("t");
  options.endpoint = "localhost:8443";
  CHECK(Client::Create(options).ok());
}

// wardenctl's decision for `args` (a command line) in `environment`, without running it.
absl::Status ConnectStatus(std::vector<std::string> args, const cli::Environment& environment) {
  static const cli::Command* const root = new cli::Command(cli::BuildRootCommand());
  absl::StatusOr<cli::Invocation> invocation =
      cli::ParseCommandLine(*root, cli::GlobalFlags(), args);
  REQUIRE(invocation.ok());
  std::ostringstream out, err;
  cli::Session session(*invocation, environment, out, err);
  return session.Connect().status();
}

TEST_CASE("wardenctl sends credentials in cleartext to a remote endpoint only when told to") {
  char dir[] = "/tmp/wardenctl-plaintext-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  cli::Environment environment;
  environment.xdg_config_home = dir;
  const std::vector<std::string> remote = {"whoami", "--endpoint", "10.1.2.3:8443", "--token",
                                           "t0k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = remote;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };

  absl::Status refused = ConnectStatus(remote, environment);
  CHECK(cli::IsUsageError(refused));
  CHECK(absl::StrContains(refused.message(),
                          "refusing to send the bearer token in cleartext to 10.1.2.3:8443"));
  CHECK(absl::StrContains(refused.message(), "--insecure-plaintext"));
  CHECK(ConnectStatus(with({"--insecure-plaintext"}), environment).ok());
  CHECK(ConnectStatus(with({"--tls"}), environment).ok());
  CHECK(ConnectStatus({"whoami", "--endpoint", "10.1.2.3:8443"}, environment).ok());
  CHECK(
      ConnectStatus({"whoami", "--endpoint", "localhost:8443", "--token", "t"}, environment).ok());

  cli::Environment allowed = environment;
  allowed.insecure_plaintext = "true";
  CHECK(ConnectStatus(remote, allowed).ok());
  allowed.insecure_plaintext = "yes";
  CHECK(ConnectStatus(remote, allowed).message() ==
        "wardenctl whoami: WARDEN_INSECURE_PLAINTEXT must be true or false (see `wardenctl "
        "whoami --help`)");

  // The login session of that endpoint may say so (`login --insecure-plaintext` does).
  std::filesystem::create_directories(std::string(dir) + "/warden");
  auto session_file = [&](bool insecure) {
    std::ofstream(std::string(dir) + "/warden/config.json")
        << R"({"endpoint": "10.1.2.3:8443", "token": "s", "insecure_plaintext": )"
        << (insecure ? "true" : "false") << "}";
  };
  session_file(true);
  CHECK(ConnectStatus(remote, environment).ok());
  CHECK(ConnectStatus({"whoami", "--endpoint", "10.1.2.3:8443"}, environment).ok());
  CHECK_FALSE(ConnectStatus({"whoami", "--endpoint", "10.9.9.9:8443", "--token", "t"},
                            environment)
                  .ok());  // it speaks for its own endpoint only
  session_file(false);
  CHECK(cli::IsUsageError(ConnectStatus(remote, environment)));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace warden
