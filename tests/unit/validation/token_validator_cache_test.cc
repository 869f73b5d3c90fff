// TokenValidator with its verified-token cache: a token presented again skips the
// signature check, and still every answer is the one the uncached validator gives.

#include <catch2/catch.hpp>

#include "tests/unit/auth/token_fixture.h"

namespace warden {
namespace {

class CachedFixture : public testing::TokenFixture {
 public:
  CachedFixture() : TokenFixture(/*cache_capacity=*/100) {}

  absl::Status Check(const std::string& token) { return validator_.Validate(token).status(); }
};

TEST_CASE_METHOD(CachedFixture, "a token validated again is answered from the cache") {
  const jose::JwtClaims claims = Claims({"Analyst"});
  const std::string token = Mint(claims);
  REQUIRE(Check(token).ok());
  absl::StatusOr<Identity> again = validator_.Validate(token);
  REQUIRE(again.ok());
  CHECK(again->id == claims.id);
  CHECK(again->name == "ci");
  CHECK(again->roles == std::vector<std::string>{"Analyst"});
  CHECK(again->expires_at == claims.expires_at);
  CHECK(validator_.cache_stats().hits == 1);
  CHECK(validator_.cache_stats().misses == 1);
}

TEST_CASE_METHOD(CachedFixture, "a cached token is refused once revoked") {
  const jose::JwtClaims claims = Claims({"Analyst"});
  const std::string token = Mint(claims);
  REQUIRE(Check(token).ok());
  revocations_.Add(claims.id, claims.expires_at);
  CHECK(Check(token).message() == "token has been revoked");
  CHECK(validator_.cache_stats().hits == 1);  // it was found, and still refused
}

TEST_CASE_METHOD(CachedFixture, "a cached token is refused once its role is deleted") {
  const std::string token = Mint(Claims({"Analyst"}));
  REQUIRE(Check(token).ok());
  roles_.Replace({testing::MakeRole(kAdminRoleName, {})});
  CHECK(Check(token).message() == "token role Analyst no longer exists");
}

TEST_CASE_METHOD(CachedFixture, "a cached exchanged token is refused once its M2M config is gone") {
  M2mConfig config;
  config.id = "8d3c61b2-1f7e-4c55-9a55-0c6f0a0d7a11";
  config.issuer = "https://issuer.test";
  config.allow_any_audience = true;
  m2m_.Replace({config});
  jose::JwtClaims claims = Claims({"Analyst"});
  claims.subject = "repo:acme/app";
  claims.m2m_config_id = config.id;
  const std::string token = Mint(claims);
  absl::StatusOr<Identity> first = validator_.Validate(token);
  REQUIRE(first.ok());
  CHECK(first->kind == IdentityKind::kM2m);
  CHECK(validator_.Validate(token)->kind == IdentityKind::kM2m);  // from the cache
  m2m_.Replace({});
  CHECK(Check(token).message() == "the m2m config this token was exchanged through is gone");
}

TEST_CASE_METHOD(CachedFixture, "a cached token expires on time, leeway included") {
  const std::string token = Mint(Claims({"Analyst"}));
  REQUIRE(Check(token).ok());
  clock_.Advance(absl::Hours(1) + absl::Seconds(60));  // exp + leeway: still valid
  CHECK(Check(token).ok());
  clock_.Advance(absl::Seconds(1));
  CHECK(Check(token).message() == "token has expired");
  CHECK(validator_.cache_stats().entries == 0);  // and forgotten
}

TEST_CASE_METHOD(CachedFixture, "a cached token not yet valid is refused until its nbf") {
  jose::JwtClaims claims = Claims({"Analyst"});
  claims.not_before = clock_.Now() + absl::Minutes(10);
  const std::string token = Mint(claims);
  clock_.Advance(absl::Minutes(10));
  REQUIRE(Check(token).ok());         // now cached
  clock_.Advance(-absl::Minutes(2));  // the clock steps back past the leeway
  CHECK(Check(token).message() == "token is not valid yet");
}

TEST_CASE_METHOD(CachedFixture, "a forged token never matches a cached one") {
  const std::string token = Mint(Claims({kAdminRoleName}));
  REQUIRE(Check(token).ok());
  std::string forged = token;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  CHECK(Check(forged).code() == absl::StatusCode::kUnauthenticated);
  // The same payload signed by another key is not the cached token either.
  testing::TokenFixture other;
  jose::JwtClaims claims = other.Claims({kAdminRoleName});
  CHECK(Check(other.Mint(claims)).message() == "token header names an unknown signing key");
}

TEST_CASE("with and without the cache, every answer is the same") {
  testing::TokenFixture plain;
  CachedFixture cached;
  // The same key and views on both sides: mint with one, check with both.
  TokenValidator uncached(cached.keys_, testing::TokenFixture::Options(), cached.state_,
                          cached.clock_);
  std::vector<std::string> tokens;
  std::vector<jose::JwtClaims> claims;
  for (int i = 0; i < 6; ++i) {
    claims.push_back(cached.Claims({i % 2 == 0 ? "Analyst" : kAdminRoleName}));
    claims.back().expires_at = cached.clock_.Now() + absl::Minutes(10 * (i + 1));
    tokens.push_back(cached.Mint(claims.back()));
  }
  tokens.push_back(plain.Mint(plain.Claims({"Analyst"})));  // another key
  tokens.push_back("not.a.jwt");
  tokens.push_back(std::string(20000, 'a'));  // too large
  auto same_answers = [&] {
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::string& token : tokens) {
        absl::StatusOr<Identity> want = uncached.Validate(token);
        absl::StatusOr<Identity> got = cached.validator_.Validate(token);
        INFO("token #" << (&token - tokens.data()) << ", pass " << pass);
        REQUIRE(got.status() == want.status());
        if (want.ok()) CHECK(got->id == want->id);
      }
    }
  };
  same_answers();
  cached.revocations_.Add(claims[0].id, claims[0].expires_at);
  same_answers();
  cached.roles_.Replace({testing::MakeRole(kAdminRoleName, {})});
  same_answers();
  cached.clock_.Advance(absl::Minutes(25));
  same_answers();
  cached.clock_.Advance(absl::Hours(2));
  same_answers();
  CHECK(cached.validator_.cache_stats().hits > 0);
}

}  // namespace
}  // namespace warden
