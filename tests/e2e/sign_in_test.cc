// People sign in as themselves through an OIDC auth provider (SPEC §6a), end to end: the real
// warden-server, a real OpenID Provider, and the attacks on the flow.

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/sign_in_fixture.h"

namespace warden::testing {
namespace {

using Catch::Matchers::Contains;

std::string Claim(const v1::Identity& identity, const std::string& key) {
  for (const v1::IdentityClaim& claim : identity.claims()) {
    if (claim.key() == key) {
      std::string joined;
      for (const std::string& v : claim.values())
        absl::StrAppend(&joined, joined.empty() ? "" : ",", v);
      return joined;
    }
  }
  return "(none)";
}

TEST_CASE_METHOD(SignInFixture,
                 "a person signs in through the provider and is who the provider says, with the "
                 "roles the rules give") {
  AddProvider(Provider());
  Reply<v1::CompleteSignInResponse> bob = SignIn("bob@example.com", "bob-pw");
  INFO(bob.message());
  REQUIRE(bob.ok());
  const v1::SignInSession& session = bob.response.session();
  CHECK(session.identity().kind() == v1::IDENTITY_KIND_USER);
  CHECK(session.identity().id() == "corp:bob");
  CHECK(session.identity().name() == "bob@example.com");
  CHECK(std::vector<std::string>(session.identity().roles().begin(),
                                 session.identity().roles().end()) ==
        std::vector<std::string>{"Analyst"});

  // The session is a credential: the server says who it is, with the provider and claims.
  Reply<v1::GetAuthStatusResponse> status = api_.AuthStatus(Bearer(session.token()));
  REQUIRE(status.ok());
  CHECK(status.response.identity().kind() == v1::IDENTITY_KIND_USER);
  CHECK(status.response.identity().auth_provider() == "corp");
  CHECK(Claim(status.response.identity(), "groups") == "analysts,devs");
  CHECK(Claim(status.response.identity(), "email") == "bob@example.com");
  CHECK(status.response.identity().token_id() == session.token_id());

  // The session is listed, created by the person, under their name.
  Reply<v1::GetTokenResponse> row = api_.Get(admin_, session.token_id());
  REQUIRE(row.ok());
  CHECK(row.response.token().created_by() == "user:corp:bob");
  CHECK(row.response.token().created_by_name() == "bob@example.com");
  CHECK(row.response.token().name() == "Sign-in session (e2e)");
}

TEST_CASE_METHOD(SignInFixture,
                 "a person mints only within their roles: Analyst alone mints nothing, a token "
                 "issuer no more than their own role") {
  AddProvider(Provider());
  const std::string bob = Bearer(SignIn("bob@example.com", "bob-pw").response.session().token());
  Reply<v1::GenerateTokenResponse> by_bob = api_.Generate(bob, "bob's token", {"Analyst"});
  CHECK(by_bob.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(by_bob.message(), Contains("Integration"));

  Reply<v1::CompleteSignInResponse> carol_session = SignIn("carol@example.com", "carol-pw");
  REQUIRE(carol_session.ok());
  const std::string carol = Bearer(carol_session.response.session().token());
  Reply<v1::GenerateTokenResponse> beyond = api_.Generate(carol, "too much", {"Analyst"});
  CHECK(beyond.code() == grpc::StatusCode::PERMISSION_DENIED);
  Reply<v1::GenerateTokenResponse> within = api_.Generate(carol, "ci token", {"Token Issuer"});
  INFO(within.message());
  REQUIRE(within.ok());
  Reply<v1::GetTokenResponse> row = api_.Get(admin_, within.response.metadata().id());
  REQUIRE(row.ok());
  CHECK(row.response.token().created_by() == "user:corp:carol");
  CHECK(row.response.token().created_by_name() == "carol@example.com");
  // The token outlives the session that minted it: it is carol's API token.
  v1::SignOutRequest out;
  grpc::ClientContext context;
  SetDeadline(&context);
  context.AddMetadata("authorization", carol);
  v1::SignOutResponse ignored;
  REQUIRE(v1::AuthService::NewStub(server_.channel())->SignOut(&context, out, &ignored).ok());
  CHECK(api_.AuthStatus(carol).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus(Bearer(within.response.token())).ok());

  // The audit trail names the person for her sign-in, her mint and her sign-out.
  REQUIRE(server_.Stop() == 0);  // a clean shutdown writes every record
  std::ifstream in(audit_path());
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, int> by_carol;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record.value("actor", "") == "user:corp:carol") ++by_carol[record.value("action", "")];
  }
  CHECK(by_carol["session.sign_in"] == 1);
  CHECK(by_carol["token.create"] == 1);
  CHECK(by_carol["token.revoke"] == 1);
  CHECK_FALSE(absl::StrContains(text.str(), within.response.token()));
}

TEST_CASE_METHOD(SignInFixture, "a person whose groups map to nothing is told so, not signed in") {
  AddProvider(Provider());
  Reply<v1::CompleteSignInResponse> eve = SignIn("eve@example.com", "eve-pw");
  CHECK(eve.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(eve.message(), Contains("eve@example.com signed in at corp, but no rule"));
  v1::ListTokensRequest all;
  Reply<v1::ListTokensResponse> tokens = api_.List(admin_, all);
  REQUIRE(tokens.ok());
  for (const v1::TokenMetadata& token : tokens.response.tokens()) {
    CHECK(token.created_by() != "user:corp:eve");
  }
}

TEST_CASE_METHOD(SignInFixture, "a replayed callback (state and code again) is refused") {
  AddProvider(Provider());
  Reply<v1::StartSignInResponse> started = Start();
  REQUIRE(started.ok());
  OidcLogin browser(idp_->ca_file());
  absl::StatusOr<AuthorizationResponse> back =
      browser.SignIn(started.response.authorization_url(), "bob@example.com", "bob-pw");
  REQUIRE(back.ok());
  REQUIRE(Complete(back->state, back->code, started.response.code_verifier()).ok());
  Reply<v1::CompleteSignInResponse> again =
      Complete(back->state, back->code, started.response.code_verifier());
  CHECK(again.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(again.message(), Contains("already completed"));
}

TEST_CASE_METHOD(
    SignInFixture,
    "a code used once is refused with a fresh state: the provider says invalid_grant") {
  AddProvider(Provider());
  Reply<v1::StartSignInResponse> first = Start();
  REQUIRE(first.ok());
  OidcLogin browser(idp_->ca_file());
  absl::StatusOr<AuthorizationResponse> back =
      browser.SignIn(first.response.authorization_url(), "bob@example.com", "bob-pw");
  REQUIRE(back.ok());
  REQUIRE(Complete(back->state, back->code, first.response.code_verifier()).ok());
  Reply<v1::StartSignInResponse> second = Start();
  REQUIRE(second.ok());
  Reply<v1::CompleteSignInResponse> replay =
      Complete(second.response.state(), back->code, first.response.code_verifier());
  CHECK(replay.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(replay.message(), Contains("invalid_grant"));
}

TEST_CASE_METHOD(SignInFixture,
                 "a forged state is refused, and a state with another sign-in's "
                 "code fails on the nonce") {
  AddProvider(Provider());
  Reply<v1::StartSignInResponse> mine = Start();
  Reply<v1::StartSignInResponse> theirs = Start();
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  OidcLogin browser(idp_->ca_file());
  absl::StatusOr<AuthorizationResponse> back =
      browser.SignIn(theirs.response.authorization_url(), "bob@example.com", "bob-pw");
  REQUIRE(back.ok());

  Reply<v1::CompleteSignInResponse> forged =
      Complete("eyJhbGciOiJub25lIn0.e30.", back->code, theirs.response.code_verifier());
  CHECK(forged.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(forged.message(), Contains("state is not valid"));

  // My state, their code and verifier: the provider hands out their ID token, whose nonce is
  // theirs.
  Reply<v1::CompleteSignInResponse> mixed =
      Complete(mine.response.state(), back->code, theirs.response.code_verifier());
  CHECK(mixed.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(mixed.message(), Contains("nonce"));
}

TEST_CASE_METHOD(SignInFixture, "a code the provider issued to another client is refused") {
  AddProvider(Provider());
  Reply<v1::StartSignInResponse> started = Start();
  REQUIRE(started.ok());
  // The same request, as if for another application registered at the same provider.
  std::string url = started.response.authorization_url();
  const std::string ours = "client_id=warden-console";
  url.replace(url.find(ours), ours.size(), "client_id=another-app");
  OidcLogin browser(idp_->ca_file());
  absl::StatusOr<AuthorizationResponse> back = browser.SignIn(url, "bob@example.com", "bob-pw");
  REQUIRE(back.ok());
  REQUIRE(back->error.empty());
  Reply<v1::CompleteSignInResponse> session =
      Complete(back->state, back->code, started.response.code_verifier());
  CHECK(session.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(session.message(), Contains("invalid_grant"));
}

TEST_CASE_METHOD(SignInFixture,
                 "deleting the provider or removing a rule ends sessions, adding a rule does not") {
  v1::AuthProvider provider = AddProvider(Provider());
  const std::string bob = Bearer(SignIn("bob@example.com", "bob-pw").response.session().token());
  REQUIRE(api_.AuthStatus(bob).ok());

  v1::UpdateAuthProviderRequest update;
  *update.mutable_provider() = provider;
  v1::AuthProviderRule* added = update.mutable_provider()->add_rules();
  added->set_key("email");
  added->set_value_expression(".*@example\\.com");
  added->set_role("Analyst");
  auto grown = Call(&v1::AuthProviderService::Stub::UpdateAuthProvider, admin_, update);
  REQUIRE(grown.ok());
  CHECK(grown.response.provider().revision() == provider.revision());
  CHECK(api_.AuthStatus(bob).ok());

  update.mutable_provider()->mutable_rules()->DeleteSubrange(0, 1);  // analysts -> Analyst
  auto shrunk = Call(&v1::AuthProviderService::Stub::UpdateAuthProvider, admin_, update);
  REQUIRE(shrunk.ok());
  CHECK(shrunk.response.provider().revision() == provider.revision() + 1);
  Reply<v1::GetAuthStatusResponse> after = api_.AuthStatus(bob);
  CHECK(after.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(after.message(), Contains("sign in again"));

  const std::string again = Bearer(SignIn("bob@example.com", "bob-pw").response.session().token());
  REQUIRE(api_.AuthStatus(again).ok());
  v1::DeleteAuthProviderRequest remove;
  remove.set_id(provider.id());
  REQUIRE(Call(&v1::AuthProviderService::Stub::DeleteAuthProvider, admin_, remove).ok());
  CHECK(api_.AuthStatus(again).code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(SignInFixture,
                 "a caller cannot add a provider whose rules grant beyond its own roles") {
  Reply<v1::GenerateTokenResponse> issuer = api_.Generate(admin_, "issuer", {"Token Issuer"});
  REQUIRE(issuer.ok());
  // Token Issuer has Access READ only, which AddAuthProvider refuses; give it a role with
  // Access write but not Admin's breadth.
  auto set = roles_.CreatePermissionSet(
      admin_, "Provider Editor",
      {{"Access", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}, {"Alert", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles_.CreateRole(admin_, "Provider Editor", set.response.permission_set().id()).ok());
  Reply<v1::GenerateTokenResponse> editor = api_.Generate(admin_, "editor", {"Provider Editor"});
  REQUIRE(editor.ok());
  v1::AuthProvider grabby = Provider();
  grabby.mutable_rules(0)->set_role("Admin");
  v1::AddAuthProviderRequest request;
  *request.mutable_provider() = grabby;
  auto refused = Call(&v1::AuthProviderService::Stub::AddAuthProvider,
                      Bearer(editor.response.token()), request);
  CHECK(refused.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(refused.message(), Contains("Admin"));
  v1::ListAuthProvidersRequest list;
  auto listed = Call(&v1::AuthProviderService::Stub::ListAuthProviders, admin_, list);
  REQUIRE(listed.ok());
  CHECK(listed.response.providers().empty());
}

TEST_CASE_METHOD(SignInFixture,
                 "the generated admin password turns off once people can sign in through a "
                 "provider") {
  v1::GetSignInOptionsRequest ask;
  auto before = Call(&v1::AuthProviderService::Stub::GetSignInOptions, "", ask);
  REQUIRE(before.ok());
  CHECK(before.response.admin_password());
  AddProvider(Provider());
  auto after = Call(&v1::AuthProviderService::Stub::GetSignInOptions, "", ask);
  REQUIRE(after.ok());
  CHECK_FALSE(after.response.admin_password());
  REQUIRE(after.response.providers_size() == 1);
  CHECK(after.response.providers(0).name() == "corp");
  Reply<v1::GetAuthStatusResponse> basic = api_.AuthStatus(server_.AdminAuthorization());
  CHECK(basic.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(basic.message(), Contains("WARDEN_ADMIN_PASSWORD_FILE"));
}

TEST_CASE_METHOD(SignInFixture,
                 "the client secret never comes back, and a provider Warden "
                 "cannot reach is not stored") {
  v1::AuthProvider added = AddProvider(Provider());
  CHECK(added.client_secret_file() == Provider().client_secret_file());
  v1::GetAuthProviderRequest get;
  get.set_id(added.id());
  auto got = Call(&v1::AuthProviderService::Stub::GetAuthProvider, admin_, get);
  REQUIRE(got.ok());
  CHECK_FALSE(absl::StrContains(got.response.DebugString(), "console-secret"));
  CHECK_FALSE(absl::StrContains(server_.Log(), "console-secret"));

  v1::AuthProvider unreachable = Provider();
  unreachable.set_name("gone");
  unreachable.set_issuer("https://127.0.0.1:1");
  v1::AddAuthProviderRequest request;
  *request.mutable_provider() = unreachable;
  auto refused = Call(&v1::AuthProviderService::Stub::AddAuthProvider, admin_, request);
  CHECK(refused.code() == grpc::StatusCode::UNAVAILABLE);
  v1::AuthProvider escaping = Provider();
  escaping.set_name("escaping");
  escaping.set_client_secret_file("../../etc/passwd");
  *request.mutable_provider() = escaping;
  auto bad_path = Call(&v1::AuthProviderService::Stub::AddAuthProvider, admin_, request);
  CHECK(bad_path.code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(SignInFixture,
                 "a provider from the declarative file signs people in and is read-only through "
                 "the API") {
  const std::string file = server_.data_dir() + "/declarative.yaml";
  {
    std::ofstream out(file);
    out << "authProviders:\n"
        << "  - name: corp\n"
        << "    issuer: " << idp_->issuer() << "\n"
        << "    clientId: warden-console\n"
        << "    clientSecretFile: " << Provider().client_secret_file() << "\n"
        << "    scopes: [openid, email, groups]\n"
        << "    rules:\n"
        << "      - {key: groups, valueExpression: analysts, role: Analyst}\n";
  }
  server_.Stop();
  server_.SetEnv("WARDEN_DECLARATIVE_CONFIG", file);
  server_.Start();
  REQUIRE(server_.WaitForLog("applied declarative configuration", 1, absl::Seconds(30)));
  Reply<v1::CompleteSignInResponse> bob = SignIn("bob@example.com", "bob-pw");
  INFO(bob.message());
  REQUIRE(bob.ok());
  CHECK(bob.response.session().identity().id() == "corp:bob");

  v1::ListAuthProvidersRequest list;
  auto listed = Call(&v1::AuthProviderService::Stub::ListAuthProviders, admin_, list);
  REQUIRE(listed.ok());
  REQUIRE(listed.response.providers_size() == 1);
  CHECK(listed.response.providers(0).origin() == v1::ORIGIN_DECLARATIVE);
  v1::DeleteAuthProviderRequest remove;
  remove.set_id(listed.response.providers(0).id());
  auto refused = Call(&v1::AuthProviderService::Stub::DeleteAuthProvider, admin_, remove);
  CHECK(refused.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(refused.message(), Contains("declarative configuration"));
}

}  // namespace
}  // namespace warden::testing
