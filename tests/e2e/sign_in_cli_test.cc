// People sign in from a terminal: `wardenctl login --provider` (RFC 8252 loopback redirect,
// RFC 8628 device flow) against the real warden-server and a real OpenID Provider.

#include <filesystem>

#include "absl/strings/match.h"
#include "net/http_client.h"
#include "tests/e2e/sign_in_fixture.h"
#include "tests/support/subprocess.h"

namespace warden::testing {
namespace {

using Catch::Matchers::Contains;

// The decoded value of query parameter `name` in `url` ("" when absent).
std::string QueryValue(const std::string& url, const std::string& name) {
  const std::string key = name + "=";
  size_t at = url.find("?" + key);
  if (at == std::string::npos) at = url.find("&" + key);
  if (at == std::string::npos) return "";
  at += key.size() + 1;
  const std::string raw = url.substr(at, url.find('&', at) - at);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

// wardenctl as a person runs it: its own config directory, no browser to open.
class Wardenctl {
 public:
  explicit Wardenctl(std::string endpoint)
      : endpoint_(std::move(endpoint)),
        home_(std::filesystem::temp_directory_path() /
              ("wardenctl-sign-in-" + std::to_string(::getpid()) + "-" +
               std::to_string(counter_++))) {
    std::filesystem::create_directories(home_);
  }
  ~Wardenctl() { std::filesystem::remove_all(home_); }

  std::unique_ptr<Subprocess> Start(std::vector<std::string> args) const {
    std::vector<std::string> argv = {WARDENCTL_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--endpoint", endpoint_});
    absl::StatusOr<std::unique_ptr<Subprocess>> child =
        Subprocess::Start({.argv = argv,
                           .env = {{"HOME", home_.string()},
                                   {"XDG_CONFIG_HOME", (home_ / "config").string()},
                                   {"DISPLAY", ""},
                                   {"WAYLAND_DISPLAY", ""},
                                   {"WARDEN_TOKEN", ""},
                                   {"WARDEN_ENDPOINT", ""}}});
    REQUIRE(child.ok());
    return *std::move(child);
  }
  // Runs to the end (within 60 s): exit code, stdout.
  std::pair<int, std::string> Run(std::vector<std::string> args) const {
    std::unique_ptr<Subprocess> child = Start(std::move(args));
    std::optional<int> code = child->WaitFor(absl::Seconds(60));
    REQUIRE(code.has_value());
    INFO(child->ReadStderr());
    return {*code, child->ReadStdout()};
  }

 private:
  static inline int counter_ = 0;
  std::string endpoint_;
  std::filesystem::path home_;
};

// The rest of the first stderr line of `child` that starts with `prefix`, once it is written
// (within 30 s).
std::string WaitForLine(Subprocess& child, const std::string& prefix) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    const std::string err = child.ReadStderr();
    if (size_t at = err.find(prefix); at != std::string::npos) {
      const size_t end = err.find('\n', at);
      if (end != std::string::npos) return err.substr(at + prefix.size(), end - at - prefix.size());
    }
    if (!child.Running()) break;
    absl::SleepFor(absl::Milliseconds(20));  // polling the child's output, not timing it
  }
  FAIL("no line starting \"" << prefix << "\" on stderr: " << child.ReadStderr());
  return "";
}

TEST_CASE_METHOD(
    SignInFixture,
    "wardenctl login --provider: the loopback flow signs a person in from a terminal") {
  AddProvider(Provider());
  Wardenctl cli(server_.address());
  std::unique_ptr<Subprocess> login = cli.Start({"login", "--provider", "corp", "--no-browser"});
  const std::string url = WaitForLine(*login, "Open this URL to sign in: ");
  CHECK_FALSE(absl::StrContains(url, "code_verifier"));
  OidcLogin browser(idp_->ca_file());
  absl::StatusOr<AuthorizationResponse> back = browser.SignIn(url, "bob@example.com", "bob-pw");
  INFO(back.status().ToString());
  REQUIRE(back.ok());
  REQUIRE(absl::StartsWith(back->redirect, "http://127.0.0.1:"));
  // The browser follows the provider's redirect to wardenctl's loopback listener.
  net::HttpRequest callback;
  callback.url = back->redirect;
  callback.allow_http = true;
  callback.max_body_bytes = 64 * 1024;
  absl::StatusOr<net::HttpResponse> page = net::SendHttpRequest(callback);
  REQUIRE(page.ok());
  CHECK(page->status_code == 200);
  CHECK_THAT(page->body, Contains("Signed in to Warden as bob@example.com"));
  std::optional<int> code = login->WaitFor(absl::Seconds(30));
  INFO(login->ReadStderr());
  REQUIRE(code == 0);
  CHECK_THAT(login->ReadStdout(),
             Contains("Signed in as bob@example.com (corp) with roles Analyst"));

  // The stored session works, and is the person.
  auto [whoami_code, whoami] = cli.Run({"whoami"});
  CHECK(whoami_code == 0);
  CHECK_THAT(whoami, Contains("bob@example.com"));
  CHECK_THAT(whoami, Contains("corp"));
  // logout ends the session on the server, not only on this machine.
  v1::ListTokensRequest live;
  live.set_revoked(false);
  auto count_sessions = [&] {
    int n = 0;
    Reply<v1::ListTokensResponse> listed = api_.List(admin_, live);
    for (const v1::TokenMetadata& t : listed.response.tokens()) {
      n += t.created_by() == "user:corp:bob";
    }
    return n;
  };
  CHECK(count_sessions() == 1);
  CHECK(cli.Run({"logout"}).first == 0);
  CHECK(count_sessions() == 0);
}

TEST_CASE_METHOD(SignInFixture,
                 "wardenctl login --provider refuses a callback with another state") {
  AddProvider(Provider());
  Wardenctl cli(server_.address());
  std::unique_ptr<Subprocess> login = cli.Start({"login", "--provider", "corp", "--no-browser"});
  const std::string url = WaitForLine(*login, "Open this URL to sign in: ");
  const std::string redirect = QueryValue(url, "redirect_uri");
  net::HttpRequest forged;
  forged.url = redirect + "?code=stolen&state=forged";
  forged.allow_http = true;
  forged.max_body_bytes = 64 * 1024;
  absl::StatusOr<net::HttpResponse> page = net::SendHttpRequest(forged);
  REQUIRE(page.ok());
  CHECK(page->status_code == 400);
  std::optional<int> code = login->WaitFor(absl::Seconds(30));
  REQUIRE(code.has_value());
  CHECK(*code != 0);
  CHECK_THAT(login->ReadStderr(), Contains("different state"));
}

TEST_CASE_METHOD(SignInFixture, "wardenctl login --provider --device: approved on another device") {
  AddProvider(Provider());
  Wardenctl cli(server_.address());
  std::unique_ptr<Subprocess> login = cli.Start({"login", "--provider", "corp", "--device"});
  const std::string line = WaitForLine(*login, "To sign in, open ");
  const std::string uri = line.substr(0, line.find(' '));
  const std::string user_code = line.substr(line.rfind(' ') + 1);
  OidcLogin phone(idp_->ca_file());
  absl::Status approved = phone.ApproveDevice(uri, user_code, "carol@example.com", "carol-pw");
  INFO(approved.ToString());
  REQUIRE(approved.ok());
  std::optional<int> code = login->WaitFor(absl::Seconds(60));
  INFO(login->ReadStderr());
  REQUIRE(code == 0);
  CHECK_THAT(login->ReadStdout(),
             Contains("Signed in as carol@example.com (corp) with roles Token Issuer"));
}

}  // namespace
}  // namespace warden::testing
