// The OIDC sign-in harness against the real OpenID Provider (tests/oidc/provider.mjs), Warden
// not involved yet: OidcProvider starts it with our users and clients, OidcLogin signs in
// without a browser, and the test plays the relying party by hand (PKCE S256, state, nonce,
// the token endpoint) the way Warden will.

#include "tests/e2e/oidc_provider.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "net/http_client.h"
#include "tests/e2e/oidc_login.h"
#include "tests/e2e/warden_process.h"

namespace warden::testing {
namespace {

using Json = nlohmann::json;

const OidcUser kAlice = {
    "alice", "alice@example.com", "alice-pw-1", "Alice Admin", {"warden-admins"}};
const OidcUser kBob = {"bob", "bob@example.com", "bob-pw-2", "Bob Analyst", {"analysts", "devs"}};
constexpr char kScope[] = "openid email profile groups";
constexpr char kConsoleRedirect[] = "http://127.0.0.1:9/auth/callback";  // nothing listens

OidcClient Console() {
  OidcClient console;
  console.client_id = "warden-console";
  console.client_secret = "console-secret-0123456789";
  console.redirect_uris = {kConsoleRedirect};
  return console;
}

// The CLI: a public native client, loopback redirect on any port, and the device flow.
OidcClient Cli() {
  OidcClient cli;
  cli.client_id = "wardenctl";
  cli.application_type = "native";
  cli.token_endpoint_auth_method = "none";
  cli.redirect_uris = {"http://127.0.0.1/callback"};
  cli.grant_types = {"authorization_code", kDeviceCodeGrant};
  return cli;
}

std::unique_ptr<OidcProvider> StartProvider() {
  OidcProviderOptions options;
  options.users = {kAlice, kBob};
  options.clients = {Console(), Cli()};
  options.extra_config = {{"device_flow", {{"interval", 1}}}};
  absl::StatusOr<std::unique_ptr<OidcProvider>> started = OidcProvider::Start(std::move(options));
  INFO(started.status().ToString());
  REQUIRE(started.ok());
  return *std::move(started);
}

std::string PercentEncode(absl::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::BytesToHexString(
                          absl::string_view(reinterpret_cast<char*>(&c), 1))));
    }
  }
  return out;
}

std::string FormOf(const std::map<std::string, std::string>& fields) {
  std::string form;
  for (const auto& [name, value] : fields) {
    absl::StrAppend(&form, form.empty() ? "" : "&", name, "=", PercentEncode(value));
  }
  return form;
}

std::string RandomToken() {
  unsigned char bytes[32];
  REQUIRE(RAND_bytes(bytes, sizeof bytes) == 1);
  return absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

// RFC 7636 S256: BASE64URL(SHA256(verifier)).
std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

struct HttpJson {
  int status = 0;
  Json body;
};

// An API call to the provider: JSON answers, errors included (Accept: application/json).
HttpJson Call(const OidcProvider& provider, net::HttpRequest::Method method, const std::string& url,
              const std::string& form = "", std::vector<std::string> headers = {}) {
  net::HttpRequest request;
  request.method = method;
  request.url = url;
  request.body = form;
  request.headers = std::move(headers);
  request.headers.push_back("Accept: application/json");
  if (method == net::HttpRequest::Method::kPost) {
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  }
  request.ca_file = provider.ca_file();
  request.max_body_bytes = 1 << 20;
  absl::StatusOr<net::HttpResponse> response = net::SendHttpRequest(request);
  INFO(url << ": " << response.status().ToString());
  REQUIRE(response.ok());
  INFO(url << " answered " << response->status_code << ": " << response->body);
  Json body = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  REQUIRE(!body.is_discarded());
  return {response->status_code, std::move(body)};
}

Json Discovery(const OidcProvider& provider) {
  HttpJson discovery = Call(provider, net::HttpRequest::Method::kGet,
                            provider.issuer() + "/.well-known/openid-configuration");
  REQUIRE(discovery.status == 200);
  return discovery.body;
}

// An authorization request as a relying party makes it: PKCE S256, state, nonce.
struct AuthorizationRequest {
  std::string url;
  std::string redirect_uri;
  std::string state = RandomToken();
  std::string nonce = RandomToken();
  std::string verifier = RandomToken();
};

AuthorizationRequest Authorization(const Json& discovery, const std::string& client_id,
                                   const std::string& redirect_uri, bool pkce = true) {
  AuthorizationRequest request;
  request.redirect_uri = redirect_uri;
  std::map<std::string, std::string> query = {
      {"client_id", client_id},       {"response_type", "code"}, {"scope", kScope},
      {"redirect_uri", redirect_uri}, {"state", request.state},  {"nonce", request.nonce}};
  if (pkce) {
    query["code_challenge"] = S256(request.verifier);
    query["code_challenge_method"] = "S256";
  }
  request.url =
      absl::StrCat(discovery.at("authorization_endpoint").get<std::string>(), "?", FormOf(query));
  return request;
}

// The JWT's payload, unverified: the provider's signature is not what this test is about.
Json PayloadOf(const std::string& jwt) {
  const std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  REQUIRE(parts.size() == 3);
  std::string payload;
  REQUIRE(absl::WebSafeBase64Unescape(parts[1], &payload));
  return Json::parse(payload);
}

// RFC 6749 2.3.1: the id and secret are form-encoded before the Basic encoding.
std::string BasicAuthorization(const std::string& client_id, const std::string& secret) {
  return absl::StrCat(
      "Authorization: Basic ",
      absl::Base64Escape(absl::StrCat(PercentEncode(client_id), ":", PercentEncode(secret))));
}

TEST_CASE(
    "OIDC harness: bob signs in with the code flow and PKCE and his ID token has email and "
    "groups") {
  std::unique_ptr<OidcProvider> provider = StartProvider();
  INFO("provider log " << provider->log_path());
  const Json discovery = Discovery(*provider);
  CHECK(discovery.at("issuer") == provider->issuer());
  OidcLogin browser(provider->ca_file());

  const AuthorizationRequest request = Authorization(discovery, "warden-console", kConsoleRedirect);
  absl::StatusOr<AuthorizationResponse> response =
      browser.SignIn(request.url, kBob.email, kBob.password);
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  CHECK(response->login_form_shown);
  CHECK(response->error == "");
  CHECK(response->state == request.state);
  CHECK(response->iss == provider->issuer());
  REQUIRE(!response->code.empty());
  CHECK_THAT(response->redirect, Catch::StartsWith(std::string(kConsoleRedirect) + "?"));

  // The secret as Warden reads it: from its client_secret_file.
  const std::string secret = ReadFile(provider->WriteClientSecretFile("warden-console"));
  CHECK(secret == *Console().client_secret);
  const HttpJson tokens =
      Call(*provider, net::HttpRequest::Method::kPost, discovery.at("token_endpoint"),
           FormOf({{"grant_type", "authorization_code"},
                   {"code", response->code},
                   {"redirect_uri", kConsoleRedirect},
                   {"code_verifier", request.verifier}}),
           {BasicAuthorization("warden-console", secret)});
  INFO(tokens.body.dump());
  REQUIRE(tokens.status == 200);
  const Json claims = PayloadOf(tokens.body.at("id_token"));
  INFO(claims.dump());
  CHECK(claims.at("iss") == provider->issuer());
  CHECK(claims.at("aud") == "warden-console");
  CHECK(claims.at("nonce") == request.nonce);
  CHECK(claims.at("sub") == kBob.sub);
  CHECK(claims.at("email") == kBob.email);
  CHECK(claims.at("name") == kBob.name);
  CHECK(claims.at("groups") == Json(kBob.groups));

  SECTION("the CLI, on any loopback port, rides bob's SSO session: no login form") {
    const std::string loopback = "http://127.0.0.1:49321/callback";
    const AuthorizationRequest cli = Authorization(discovery, "wardenctl", loopback);
    absl::StatusOr<AuthorizationResponse> again = browser.ContinueSession(cli.url);
    INFO(again.status().ToString());
    REQUIRE(again.ok());
    CHECK_FALSE(again->login_form_shown);
    CHECK(again->state == cli.state);
    const HttpJson cli_tokens =
        Call(*provider, net::HttpRequest::Method::kPost, discovery.at("token_endpoint"),
             FormOf({{"grant_type", "authorization_code"},
                     {"code", again->code},
                     {"redirect_uri", loopback},
                     {"client_id", "wardenctl"},
                     {"code_verifier", cli.verifier}}));
    INFO(cli_tokens.body.dump());
    REQUIRE(cli_tokens.status == 200);
    CHECK(PayloadOf(cli_tokens.body.at("id_token")).at("email") == kBob.email);
  }

  SECTION("the code works once and only with its verifier") {
    const std::string form = FormOf({{"grant_type", "authorization_code"},
                                     {"code", response->code},
                                     {"redirect_uri", kConsoleRedirect},
                                     {"code_verifier", request.verifier}});
    const HttpJson replay =
        Call(*provider, net::HttpRequest::Method::kPost, discovery.at("token_endpoint"), form,
             {BasicAuthorization("warden-console", secret)});
    CHECK(replay.status == 400);
    CHECK(replay.body.at("error") == "invalid_grant");
  }

  CHECK(provider->Stop() == 0);  // SIGTERM: a clean exit
}

TEST_CASE("OIDC harness: a wrong password is reported in the provider's words") {
  std::unique_ptr<OidcProvider> provider = StartProvider();
  const Json discovery = Discovery(*provider);
  OidcLogin browser(provider->ca_file());
  const AuthorizationRequest request = Authorization(discovery, "warden-console", kConsoleRedirect);

  absl::StatusOr<AuthorizationResponse> wrong =
      browser.SignIn(request.url, kBob.email, "not-the-password");
  INFO(wrong.status().ToString());
  REQUIRE(wrong.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(wrong.status().message()),
             Catch::Contains("Wrong email or password.") && Catch::Contains(kBob.email));

  // No session came of it; the right password still signs in.
  CHECK(browser.ContinueSession(request.url).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<AuthorizationResponse> right =
      browser.SignIn(request.url, kBob.email, kBob.password);
  INFO(right.status().ToString());
  REQUIRE(right.ok());
  CHECK(!right->code.empty());
}

TEST_CASE(
    "OIDC harness: an error redirect comes back as the provider's error and is not followed") {
  std::unique_ptr<OidcProvider> provider = StartProvider();
  const Json discovery = Discovery(*provider);
  OidcLogin browser(provider->ca_file());
  // Without PKCE: the provider requires it and says so on the redirect_uri.
  const AuthorizationRequest request =
      Authorization(discovery, "warden-console", kConsoleRedirect, /*pkce=*/false);
  absl::StatusOr<AuthorizationResponse> response =
      browser.SignIn(request.url, kBob.email, kBob.password);
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  CHECK(response->error == "invalid_request");
  CHECK_THAT(response->error_description, Catch::Contains("PKCE"));
  CHECK(response->state == request.state);
  CHECK(response->code.empty());
  CHECK_FALSE(response->login_form_shown);
}

TEST_CASE("OIDC harness: alice approves a device's user code and its poll gets her ID token") {
  std::unique_ptr<OidcProvider> provider = StartProvider();
  INFO("provider log " << provider->log_path());
  const Json discovery = Discovery(*provider);
  const HttpJson device = Call(*provider, net::HttpRequest::Method::kPost,
                               discovery.at("device_authorization_endpoint"),
                               FormOf({{"client_id", "wardenctl"}, {"scope", kScope}}));
  REQUIRE(device.status == 200);
  const std::string user_code = device.body.at("user_code");
  const std::string verification_uri = device.body.at("verification_uri");
  const std::string poll = FormOf({{"grant_type", kDeviceCodeGrant},
                                   {"device_code", device.body.at("device_code")},
                                   {"client_id", "wardenctl"}});
  const HttpJson pending =
      Call(*provider, net::HttpRequest::Method::kPost, discovery.at("token_endpoint"), poll);
  CHECK(pending.body.at("error") == "authorization_pending");

  OidcLogin browser(provider->ca_file());
  const std::string unknown = user_code == "BCDF-GHJK" ? "CDFG-HJKL" : "BCDF-GHJK";
  const absl::Status wrong =
      browser.ApproveDevice(verification_uri, unknown, kAlice.email, kAlice.password);
  CHECK(wrong.code() == absl::StatusCode::kNotFound);

  const absl::Status approved =
      browser.ApproveDevice(verification_uri, user_code, kAlice.email, kAlice.password);
  INFO(approved.ToString());
  REQUIRE(approved.ok());
  const HttpJson tokens =
      Call(*provider, net::HttpRequest::Method::kPost, discovery.at("token_endpoint"), poll);
  INFO(tokens.body.dump());
  REQUIRE(tokens.status == 200);
  const Json claims = PayloadOf(tokens.body.at("id_token"));
  CHECK(claims.at("sub") == kAlice.sub);
  CHECK(claims.at("email") == kAlice.email);
  CHECK(claims.at("groups") == Json(kAlice.groups));
}

TEST_CASE("OIDC harness: a client the provider refuses fails Start with its reason and log") {
  OidcProviderOptions options;
  options.users = {kAlice};
  OidcClient no_redirect = Console();
  no_redirect.redirect_uris.clear();
  options.clients = {no_redirect};
  options.keep_dir_on_failure = false;
  absl::StatusOr<std::unique_ptr<OidcProvider>> started = OidcProvider::Start(std::move(options));
  INFO(started.status().ToString());
  REQUIRE(started.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(started.status().message()), Catch::Contains("exited (code 2)") &&
                                                          Catch::Contains("redirect_uris") &&
                                                          Catch::Contains("provider.log"));
}

}  // namespace
}  // namespace warden::testing
