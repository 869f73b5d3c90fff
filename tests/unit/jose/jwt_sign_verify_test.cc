// SignJwt and VerifyJwt: round trips, the claims checked and the inputs refused.

#include "tests/unit/jose/jwt_test_support.h"
#include "validation/jose/jwt.h"

namespace warden::jose {
namespace {

using namespace jwt_testing;  // NOLINT(build/namespaces)

TEST_CASE("SignJwt and VerifyJwt round trip with each algorithm", "[jwt]") {
  const JwsAlgorithm alg =
      GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
  CAPTURE(AlgorithmName(alg));
  const SigningKey& key = *Key(alg);
  const std::string token = Mint(Claims(), key);

  const std::vector<std::string> parts = Parts(token);
  REQUIRE(parts.size() == 3);
  const Json header = Json::parse(*Base64UrlDecode(parts[0]));
  CHECK(header == Json({{"alg", AlgorithmName(alg)}, {"kid", key.kid()}, {"typ", "JWT"}}));
  const Json payload = Json::parse(*Base64UrlDecode(parts[1]));
  CHECK(payload["aud"] == kAudience);  // a single audience is a string
  CHECK(payload["exp"] == absl::ToUnixSeconds(kNow) + 3600);

  const auto claims = VerifyJwt(Ring(), token, Options(), kNow);
  REQUIRE(claims.ok());
  const JwtClaims expected = Claims();
  CHECK(claims->issuer == expected.issuer);
  CHECK(claims->audience == expected.audience);
  CHECK(claims->id == expected.id);
  CHECK(claims->issued_at == expected.issued_at);
  CHECK(claims->not_before == expected.not_before);
  CHECK(claims->expires_at == expected.expires_at);
  CHECK(claims->name == expected.name);
  CHECK(claims->roles == expected.roles);
}

TEST_CASE("A key listed after the signer still verifies its tokens (rotation)", "[jwt]") {
  const auto old_key = SigningKey::Generate(JwsAlgorithm::kEdDsa);
  const auto old_public = SigningKey::FromPem(old_key->PublicKeyPem());
  REQUIRE(old_public.ok());
  const auto ring = KeyRing::Create({Key(JwsAlgorithm::kEs256), *old_public});
  REQUIRE(ring.ok());
  CHECK(VerifyJwt(*ring, Mint(Claims(), *old_key), Options(), kNow).ok());
  CHECK(VerifyJwt(*ring, Mint(Claims()), Options(), kNow).ok());
}

TEST_CASE("Audience: an array containing ours is accepted, anything else is not", "[jwt]") {
  JwtClaims claims = Claims();
  claims.audience = {"other", kAudience};
  const std::string token = Mint(claims);
  CHECK(Json::parse(*Base64UrlDecode(Parts(token)[1]))["aud"] == Json({"other", kAudience}));
  const auto verified = VerifyJwt(Ring(), token, Options(), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->audience == claims.audience);

  Json payload = Payload();
  payload["aud"] = {"a", "b"};
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token audience is not accepted");
  payload["aud"] = Json::array();
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token audience is not accepted");
  payload["aud"] = "warden-other";
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token audience is not accepted");
  payload["aud"] = 7;
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token claim aud is malformed");
  payload.erase("aud");
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token is missing claim aud");
}

TEST_CASE("Issuer must match exactly", "[jwt]") {
  JwtClaims claims = Claims();
  claims.issuer = "https://warden.example.com/";
  ExpectRejected(Mint(claims), "token issuer is not accepted");
  Json payload = Payload();
  payload.erase("iss");
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload), "token is missing claim iss");
}

TEST_CASE("exp is enforced with the leeway", "[jwt]") {
  JwtClaims claims = Claims();
  claims.expires_at = kNow - absl::Seconds(61);
  ExpectRejected(Mint(claims), "token has expired");
  claims.expires_at = kNow - absl::Seconds(60);
  ExpectAccepted(Mint(claims));
  claims.expires_at = kNow - absl::Seconds(30);
  ExpectAccepted(Mint(claims));
  VerifyOptions strict = Options();
  strict.leeway = absl::ZeroDuration();
  ExpectRejected(Mint(claims), "token has expired", kNow, strict);
  claims.expires_at = kNow;
  ExpectAccepted(Mint(claims), kNow, strict);
  ExpectRejected(Mint(claims), "token has expired", kNow + absl::Seconds(1), strict);
}

TEST_CASE("nbf is enforced with the leeway", "[jwt]") {
  JwtClaims claims = Claims();
  claims.not_before = kNow + absl::Seconds(61);
  ExpectRejected(Mint(claims), "token is not valid yet");
  claims.not_before = kNow + absl::Seconds(60);
  ExpectAccepted(Mint(claims));

  Json payload = Payload();  // nbf is optional; not_before then defaults to iat.
  payload.erase("nbf");
  const auto verified =
      VerifyJwt(Ring(), SignedWith(Es256(), Header(Es256()), payload), Options(), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->not_before == verified->issued_at);
}

TEST_CASE("Required claims must be present with the right types", "[jwt]") {
  for (const char* claim : {"jti", "iat", "exp"}) {
    Json payload = Payload();
    payload.erase(claim);
    ExpectRejected(SignedWith(Es256(), Header(Es256()), payload),
                   absl::StrCat("token is missing claim ", claim));
  }
  const auto [claim, value] = GENERATE(table<std::string, Json>({
      {"exp", Json(1.7e9)},
      {"exp", Json("1700000000")},
      {"iat", Json(nullptr)},
      {"nbf", Json::array()},
      {"exp", Json(18446744073709551615ull)},
      {"jti", Json(42)},
      {"jti", Json("")},
      {"name", Json(false)},
      {"roles", Json("Admin")},
      {"roles", Json({"Admin", 1})},
      {"iss", Json::array({kIssuer})},
  }));
  Json payload = Payload();
  payload[claim] = value;
  ExpectRejected(SignedWith(Es256(), Header(Es256()), payload),
                 absl::StrCat("token claim ", claim, " is malformed"));
}

TEST_CASE("name and roles are optional", "[jwt]") {
  Json payload = Payload();
  payload.erase("name");
  payload.erase("roles");
  const auto verified =
      VerifyJwt(Ring(), SignedWith(Es256(), Header(Es256()), payload), Options(), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->name.empty());
  CHECK(verified->roles.empty());
}

TEST_CASE("VerifyJwt without issuer or audience rejects every token as INTERNAL", "[jwt]") {
  VerifyOptions options = Options();
  options.audience.clear();
  CHECK(VerifyJwt(Ring(), Mint(Claims()), options, kNow).status().code() ==
        absl::StatusCode::kInternal);
}

TEST_CASE("SignJwt validates its input", "[jwt]") {
  JwtClaims claims = Claims();
  claims.name = "bad \xff utf-8";
  CHECK(SignJwt(Es256(), claims).status().code() == absl::StatusCode::kInvalidArgument);
  claims = Claims();
  claims.audience.clear();
  CHECK(SignJwt(Es256(), claims).status().code() == absl::StatusCode::kInvalidArgument);
  claims = Claims();
  claims.expires_at = absl::InfiniteFuture();
  CHECK(SignJwt(Es256(), claims).status().code() == absl::StatusCode::kInvalidArgument);
  const auto public_only = SigningKey::FromPem(Es256().PublicKeyPem());
  REQUIRE(public_only.ok());
  CHECK(SignJwt(**public_only, Claims()).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Names survive as UTF-8", "[jwt]") {
  JwtClaims claims = Claims();
  claims.name = "d\xc3\xa9ploiement \xe2\x9c\x93";
  const auto verified = VerifyJwt(Ring(), Mint(claims), Options(), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->name == claims.name);
}

}  // namespace
}  // namespace warden::jose
