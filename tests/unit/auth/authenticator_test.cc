#include "server/auth/authenticator.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "tests/unit/auth/token_fixture.h"

namespace warden {
namespace {

class AuthFixture : public testing::TokenFixture {
 public:
  AuthFixture() : authenticator_(validator_, AdminPassword::FromPlaintext("s3cret")) {}

  absl::StatusOr<Identity> Auth(std::vector<std::string> headers) {
    std::vector<absl::string_view> views(headers.begin(), headers.end());
    return authenticator_.AuthenticateInline(views);
  }

  Authenticator authenticator_;
};

std::string Basic(const std::string& user_password) {
  return "Basic " + absl::Base64Escape(user_password);
}

TEST_CASE_METHOD(AuthFixture, "a valid bearer token yields its identity") {
  jose::JwtClaims claims = Claims({"Analyst"});
  absl::StatusOr<Identity> who = Auth({"Bearer " + Mint(claims)});
  REQUIRE(who.ok());
  CHECK(who->kind == IdentityKind::kApiToken);
  CHECK(who->id == claims.id);
  CHECK(who->roles == std::vector<std::string>{"Analyst"});
  CHECK(who->expires_at == claims.expires_at);
  CHECK(Auth({"bearer " + Mint(claims)}).ok());  // the scheme is case-insensitive
}

TEST_CASE_METHOD(AuthFixture, "missing, repeated or malformed headers are UNAUTHENTICATED") {
  std::string token = Mint(Claims({"Analyst"}));
  CHECK(Auth({}).status().code() == absl::StatusCode::kUnauthenticated);
  absl::Status twice = Auth({"Bearer " + token, "Bearer " + token}).status();
  CHECK(twice.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(std::string(twice.message()), Catch::Contains("more than one"));
  CHECK(Auth({"Token " + token}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(Auth({"Bearer"}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(Auth({"Bearer    "}).status().code() == absl::StatusCode::kUnauthenticated);
  absl::Status garbage = Auth({"Bearer not.a.jwt"}).status();
  CHECK(garbage.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(std::string(garbage.message()), !Catch::Contains("not.a.jwt"));
}

TEST_CASE_METHOD(AuthFixture, "a revoked token is rejected") {
  jose::JwtClaims claims = Claims({"Analyst"});
  revocations_.Add(claims.id, claims.expires_at);
  absl::Status s = Auth({"Bearer " + Mint(claims)}).status();
  CHECK(s.code() == absl::StatusCode::kUnauthenticated);
  CHECK(s.message() == "token has been revoked");
}

TEST_CASE_METHOD(AuthFixture, "a token whose role was deleted is rejected") {
  std::string token = Mint(Claims({"Analyst"}));
  roles_.Replace({testing::MakeRole(kAdminRoleName, {})});
  absl::Status s = Auth({"Bearer " + token}).status();
  CHECK(s.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(std::string(s.message()), Catch::Contains("Analyst no longer exists"));
}

TEST_CASE_METHOD(AuthFixture, "an expired token is rejected once past the leeway") {
  std::string token = Mint(Claims({"Analyst"}));
  clock_.Advance(absl::Hours(1) + absl::Seconds(30));
  CHECK(Auth({"Bearer " + token}).ok());
  clock_.Advance(absl::Seconds(31));
  CHECK(Auth({"Bearer " + token}).status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE_METHOD(AuthFixture, "the admin user authenticates with HTTP Basic") {
  absl::StatusOr<Identity> admin = Auth({Basic("admin:s3cret")});
  REQUIRE(admin.ok());
  CHECK(admin->kind == IdentityKind::kAdmin);
  CHECK(admin->roles == std::vector<std::string>{"Admin"});
  CHECK(admin->Principal() == "user:admin");
  CHECK(Auth({Basic("admin:wrong")}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(Auth({Basic("root:s3cret")}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(Auth({Basic("nocolon")}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(Auth({"Basic !!!"}).status().code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(std::string(Auth({Basic("admin:wrong")}).status().message()),
             !Catch::Contains("wrong"));
}

TEST_CASE_METHOD(AuthFixture, "basic authentication can be disabled") {
  Authenticator no_admin(validator_, std::nullopt);
  std::string header = Basic("admin:s3cret");
  absl::Status s = no_admin.AuthenticateInline({header}).status();
  CHECK(s.code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE_METHOD(AuthFixture, "the use observer hears of every accepted token, and only those") {
  std::vector<std::string> used;
  validator_.SetUseObserver([&](const Identity& who) { used.push_back(who.id); });
  jose::JwtClaims good = Claims({"Analyst"});
  jose::JwtClaims revoked = Claims({"Analyst"});
  revocations_.Add(revoked.id, revoked.expires_at);
  REQUIRE(Auth({"Bearer " + Mint(good)}).ok());
  REQUIRE(validator_.Validate(Mint(good)).ok());  // as ValidateToken checks one
  CHECK_FALSE(Auth({"Bearer " + Mint(revoked)}).ok());
  CHECK_FALSE(Auth({"Bearer not.a.jwt"}).ok());
  CHECK(Auth({Basic("admin:s3cret")}).ok());  // no token
  CHECK(used == std::vector<std::string>{good.id, good.id});
}

}  // namespace
}  // namespace warden
