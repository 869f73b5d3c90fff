// SignInAuthority: a person signs in through an auth provider, and the attacks on that flow
// (SPEC §6a) are refused.

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/random.h"
#include "tests/unit/signin/sign_in_fixture.h"
#include "validation/jose/jwt.h"

namespace warden::testing {
namespace {

using Catch::Matchers::Contains;

TEST_CASE_METHOD(SignInFixture,
                 "a person in a mapped group gets a session as themselves with the rules' roles") {
  absl::StatusOr<SignedInSession> session = SignIn();
  REQUIRE(session.ok());
  CHECK(session->identity.kind == IdentityKind::kUser);
  CHECK(session->identity.id == "corp:248289761001");
  CHECK(session->identity.name == "bob@example.com");
  CHECK(session->identity.roles == std::vector<std::string>{"Analyst"});
  CHECK(session->expires_at == clock_.Now() + absl::Hours(12));

  // The token works as the person, and names the claims sign-in used.
  absl::StatusOr<Identity> who = validator_.Validate(session->token);
  REQUIRE(who.ok());
  CHECK(who->kind == IdentityKind::kUser);
  CHECK(who->Principal() == "user:corp:248289761001");
  CHECK(who->token_id == session->token_id);
  CHECK(who->claims.at("groups") == std::vector<std::string>{"analysts", "devs"});
  CHECK(who->claims.at("email") == std::vector<std::string>{"bob@example.com"});

  // Stored like a minted token, created by the person, and audited.
  std::optional<TokenMetadata> row = tokens_.Find(session->token_id);
  REQUIRE(row.has_value());
  CHECK(row->created_by == "user:corp:248289761001");
  CHECK(row->created_by_name == "bob@example.com");
  CHECK(row->name == "Sign-in session (Firefox on Linux)");
  REQUIRE(audit_.entries().size() == 1);
  CHECK(audit_.entries()[0].action == "session.sign_in");
  CHECK(audit_.entries()[0].actor == "user:corp:248289761001");
}

TEST_CASE_METHOD(SignInFixture,
                 "the code goes to the token endpoint with the PKCE verifier, the redirect URI and "
                 "the client secret from its file, in a Basic header") {
  absl::StatusOr<SignInAuthority::Started> started = Start();
  REQUIRE(started.ok());
  std::map<std::string, std::string> query = QueryOf(started->authorization_url);
  CHECK(absl::StartsWith(started->authorization_url, "https://idp.example.com/auth?"));
  CHECK(query["response_type"] == "code");
  CHECK(query["client_id"] == kClientId);
  CHECK(query["redirect_uri"] == kRedirect);
  CHECK(query["scope"] == "openid email groups");
  CHECK(query["state"] == started->state);
  CHECK(query["code_challenge_method"] == "S256");
  CHECK(query.count("code_verifier") == 0);  // the verifier never travels in a URL
  REQUIRE(Complete(*started).ok());

  REQUIRE(posts().size() == 1);
  Post post = posts()[0];
  CHECK(post.url == kTokenEndpoint);
  CHECK(post.form["grant_type"] == "authorization_code");
  CHECK(post.form["code"] == "code-1");
  CHECK(post.form["code_verifier"] == started->code_verifier);
  CHECK(post.form["redirect_uri"] == kRedirect);
  CHECK(post.form.count("client_secret") == 0);
  REQUIRE(post.authorization.has_value());
  std::string basic;
  REQUIRE(absl::Base64Unescape(post.authorization->substr(6), &basic));
  CHECK(basic == "warden-console:s3cret%20value");  // form-encoded first (RFC 6749 2.3.1)
}

TEST_CASE_METHOD(SignInFixture, "a state works once: a replayed callback is refused") {
  absl::StatusOr<SignInAuthority::Started> started = Start();
  REQUIRE(started.ok());
  REQUIRE(Complete(*started).ok());
  absl::StatusOr<SignedInSession> again = Complete(*started);
  CHECK(absl::IsUnauthenticated(again.status()));
  CHECK_THAT(std::string(again.status().message()), Contains("already completed"));
  CHECK(posts().size() == 1);  // the replay never reached the provider
}

TEST_CASE_METHOD(SignInFixture,
                 "a forged or altered state is refused before the provider is "
                 "asked anything") {
  absl::StatusOr<SignInAuthority::Started> started = Start();
  REQUIRE(started.ok());
  SignInAuthority::Started forged = *started;
  SECTION("a made-up state") { forged.state = "forged"; }
  SECTION("one character of the signature changed") {
    forged.state.back() = forged.state.back() == 'A' ? 'B' : 'A';
  }
  SECTION("a Warden API token as the state") {
    jose::JwtClaims claims;
    claims.issuer = "https://warden.test";
    claims.audience = {"warden"};
    claims.id = NewUuidV4();
    claims.issued_at = claims.not_before = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Hours(1);
    claims.roles = {"Admin"};
    forged.state = *jose::SignJwt(signer_.signer(), claims);
  }
  absl::StatusOr<SignedInSession> session = Complete(forged);
  CHECK(absl::IsUnauthenticated(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains("state is not valid"));
  CHECK(posts().empty());
}

TEST_CASE_METHOD(SignInFixture, "a state older than ten minutes is refused") {
  absl::StatusOr<SignInAuthority::Started> started = Start();
  REQUIRE(started.ok());
  clock_.Advance(absl::Minutes(11));
  absl::StatusOr<SignedInSession> session = Complete(*started);
  CHECK(absl::IsUnauthenticated(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains("took too long"));
}

TEST_CASE_METHOD(SignInFixture, "an ID token whose nonce is not the sign-in's is refused") {
  {
    absl::MutexLock lock(&mu_);
    id_token_claims_ = {{"nonce", "another-sign-in"}};
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  CHECK(absl::IsUnauthenticated(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains("nonce"));
  CHECK(tokens_.tokens().empty());
}

TEST_CASE_METHOD(SignInFixture,
                 "ID tokens the provider's keys, issuer and client do not vouch "
                 "for are refused") {
  std::string expect;
  {
    absl::MutexLock lock(&mu_);
    SECTION("from another issuer") {
      id_token_claims_ = {{"iss", "https://evil.example.com"}};
      expect = "issuer";
    }
    SECTION("for another client") {
      id_token_claims_ = {{"aud", "another-client"}};
      expect = "audience";
    }
    SECTION("for several clients, authorized for another") {
      id_token_claims_ = {{"aud", {kClientId, "another-client"}}, {"azp", "another-client"}};
      expect = "another client";
    }
    SECTION("expired") {
      const int64_t now = absl::ToUnixSeconds(clock_.Now());
      id_token_claims_ = {{"iat", now - 7200}, {"exp", now - 3600}};
      expect = "expired";
    }
    SECTION("signed with a key the provider does not publish") {
      nlohmann::json claims = DefaultClaims();
      id_token_ = oidc::testing::SignToken(
          oidc::testing::MakeKey(jose::JwsAlgorithm::kRs256, "unknown-key"), claims);
      expect = "not valid";
    }
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  CHECK(absl::IsUnauthenticated(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains(expect));
  CHECK(tokens_.tokens().empty());
}

TEST_CASE_METHOD(SignInFixture,
                 "a code the provider refuses (replayed, expired) is refused "
                 "with the provider's reason") {
  {
    absl::MutexLock lock(&mu_);
    token_error_ = R"({"error":"invalid_grant","error_description":"grant request is invalid"})";
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  CHECK(absl::IsUnauthenticated(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains("invalid_grant"));
}

TEST_CASE_METHOD(SignInFixture,
                 "a person whose groups map to nothing is told so and gets no session") {
  {
    absl::MutexLock lock(&mu_);
    id_token_claims_ = {{"groups", {"marketing"}}};
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  CHECK(absl::IsPermissionDenied(session.status()));
  CHECK_THAT(std::string(session.status().message()),
             Contains("bob@example.com signed in at corp, but no rule"));
  CHECK(tokens_.tokens().empty());
}

TEST_CASE_METHOD(SignInFixture, "the minimum role is everyone's, and None never counts") {
  AuthProvider provider = Provider();
  provider.minimum_role = "Lead";
  providers_.Replace({provider});
  {
    absl::MutexLock lock(&mu_);
    id_token_claims_ = {{"groups", {"marketing"}}};
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  REQUIRE(session.ok());
  CHECK(session->identity.roles == std::vector<std::string>{"Lead"});
}

TEST_CASE_METHOD(SignInFixture, "the name claim names the person, falling back to sub") {
  AuthProvider provider = Provider();
  SECTION("a chosen claim") {
    provider.name_claim = "preferred_username";
    absl::MutexLock lock(&mu_);
    id_token_claims_ = {{"preferred_username", "bob"}};
  }
  SECTION("no email: the subject") {
    absl::MutexLock lock(&mu_);
    id_token_claims_ = {{"email", nullptr}};
  }
  providers_.Replace({provider});
  absl::StatusOr<SignedInSession> session = SignIn();
  REQUIRE(session.ok());
  CHECK((session->identity.name == "bob" || session->identity.name == "248289761001"));
}

TEST_CASE_METHOD(SignInFixture, "a session ends when its provider changes revision or is deleted") {
  absl::StatusOr<SignedInSession> session = SignIn();
  REQUIRE(session.ok());
  REQUIRE(validator_.Validate(session->token).ok());
  AuthProvider changed = Provider();
  SECTION("a rule removed raised the revision") {
    changed.revision = 2;
    providers_.Replace({changed});
    CHECK_THAT(std::string(validator_.Validate(session->token).status().message()),
               Contains("has changed since"));
  }
  SECTION("a rule added kept it") {
    changed.rules.push_back(AuthProviderRule{"email", ".*@example.com", "Lead"});
    providers_.Replace({changed});
    CHECK(validator_.Validate(session->token).ok());
  }
  SECTION("deleted") {
    providers_.Replace({});
    CHECK_THAT(std::string(validator_.Validate(session->token).status().message()),
               Contains("is gone"));
  }
}

TEST_CASE_METHOD(SignInFixture, "the session ends no later than the provider's own session") {
  {
    absl::MutexLock lock(&mu_);
    token_extra_ = {{"refresh_expires_in", 1800}};
  }
  absl::StatusOr<SignedInSession> session = SignIn();
  REQUIRE(session.ok());
  CHECK(session->expires_at == clock_.Now() + absl::Minutes(30));
}

TEST_CASE_METHOD(SignInFixture, "redirect URIs: https anywhere, http only on loopback") {
  CHECK(Start("https://warden.example.com/auth/callback").ok());
  CHECK(Start("http://127.0.0.1:43123/callback").ok());
  CHECK(Start("http://[::1]:43123/callback").ok());
  CHECK(Start("http://localhost/callback").ok());
  for (const char* bad : {"http://warden.example.com/auth/callback", "javascript:alert(1)",
                          "https://warden.example.com/cb#frag", "http://127.0.0.1.evil.com/cb",
                          "https://user@warden.example.com/cb", ""}) {
    INFO(bad);
    CHECK(absl::IsInvalidArgument(Start(bad).status()));
  }
}

TEST_CASE_METHOD(SignInFixture, "an unknown provider is NOT_FOUND") {
  Captured<absl::StatusOr<SignInAuthority::Started>> started;
  sign_in_.Start("nobody", kRedirect, started.Callback());
  CHECK(absl::IsNotFound(started.Wait().status()));
}

TEST_CASE_METHOD(SignInFixture,
                 "a missing client secret file is the operator's problem, said "
                 "without the path") {
  std::filesystem::remove(secrets_dir_ / "corp-secret");
  absl::StatusOr<SignedInSession> session = SignIn();
  CHECK(absl::IsFailedPrecondition(session.status()));
  CHECK_THAT(std::string(session.status().message()), Contains("client secret"));
  CHECK_THAT(std::string(session.status().message()), !Contains(secrets_dir_.string()));
}

TEST_CASE_METHOD(SignInFixture, "the device flow: pending until approved, then a session") {
  int polls = 0;
  fetcher_.SetPostHandler([&](const std::string& url, const std::string& form,
                              const std::optional<std::string>&)
                              -> absl::StatusOr<oidc::HttpResponse> {
    if (absl::EndsWith(url, "/device/auth")) {
      return oidc::HttpResponse{
          200,
          R"({"device_code":"dc","user_code":"BCDF-GHJK","verification_uri":"https://idp.example.com/device","expires_in":600,"interval":1})",
          "application/json"};
    }
    CHECK_THAT(form, Contains("device_code=dc"));
    if (++polls == 1) {
      return oidc::HttpResponse{400, R"({"error":"authorization_pending"})", "application/json"};
    }
    nlohmann::json claims = DefaultClaims();
    claims.erase("nonce");
    return oidc::HttpResponse{
        200, nlohmann::json{{"id_token", oidc::testing::SignToken(issuer_key_, claims)}}.dump(),
        "application/json"};
  });
  Captured<absl::StatusOr<DeviceAuthorization>> device;
  sign_in_.StartDevice("corp", device.Callback());
  REQUIRE(device.Wait().ok());
  CHECK(device.Wait()->user_code == "BCDF-GHJK");
  CHECK(device.Wait()->interval == absl::Seconds(1));

  Captured<absl::StatusOr<SignInAuthority::DeviceResult>> first, second;
  sign_in_.CompleteDevice("corp", "dc", "", first.Callback());
  REQUIRE(first.Wait().ok());
  CHECK(first.Wait()->pending);
  sign_in_.CompleteDevice("corp", "dc", "", second.Callback());
  REQUIRE(second.Wait().ok());
  REQUIRE(second.Wait()->session.has_value());
  CHECK(second.Wait()->session->identity.id == "corp:248289761001");
}

}  // namespace
}  // namespace warden::testing
