#include "server/oidc/id_token.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/unit/oidc/test_issuer.h"
#include "validation/jose/base64url.h"
#include "validation/jose/ecdsa_signature.h"

namespace warden::oidc {
namespace {

using testing::Json;
using testing::MakeKey;
using testing::SignRaw;
using testing::SignToken;
using testing::TestKey;

constexpr char kIssuer[] = "https://token.actions.githubusercontent.com";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
const int64_t kNowSeconds = 1'700'000'000;

TestKey Es() { return MakeKey(jose::JwsAlgorithm::kEs256, "es-key"); }
TestKey Rs() { return MakeKey(jose::JwsAlgorithm::kRs256, "rs-key"); }
TestKey Ed() { return MakeKey(jose::JwsAlgorithm::kEdDsa, "ed-key"); }

// The issuer's keys as Warden sees them: built from its published JWKs.
const jose::KeyRing& Keys() {
  static const jose::KeyRing* const ring = [] {
    std::vector<std::shared_ptr<const jose::SigningKey>> keys;
    for (const TestKey& key : {Es(), Rs(), Ed()})
      keys.push_back(*jose::SigningKey::FromJwk(key.Jwk()));
    return new jose::KeyRing(*jose::KeyRing::CreateForVerification(keys));
  }();
  return *ring;
}

Json Payload() {
  return {{"iss", kIssuer},
          {"sub", "repo:acme/app:ref:refs/heads/main"},
          {"aud", "warden"},
          {"iat", kNowSeconds - 60},
          {"nbf", kNowSeconds - 60},
          {"exp", kNowSeconds + 300},
          {"repository", "acme/app"},
          {"job_workflow_ref", "acme/app/.github/workflows/ci.yml@refs/heads/main"}};
}

IdTokenExpectations Expect() {
  IdTokenExpectations expectations;
  expectations.issuer = kIssuer;
  expectations.audiences = {"warden"};
  expectations.leeway = absl::Seconds(60);
  return expectations;
}

absl::Status Verify(const std::string& token, const IdTokenExpectations& expectations = Expect(),
                    absl::Time now = kNow) {
  return VerifyIdToken(token, Keys(), expectations, now).status();
}

// Asserts `code` with exactly `reason`, and that the message echoes no part of the token.
void ExpectRejected(const std::string& token, absl::StatusCode code, std::string_view reason,
                    const IdTokenExpectations& expectations = Expect(), absl::Time now = kNow) {
  const absl::Status status = Verify(token, expectations, now);
  CHECK(status.code() == code);
  CHECK(status.message() == absl::string_view(reason.data(), reason.size()));
  size_t start = 0;
  while (start < token.size()) {
    const std::string part = token.substr(start, 12);
    if (part.size() == 12) CHECK_FALSE(absl::StrContains(status.message(), part));
    start += 12;
  }
}

void ExpectUnauthenticated(const std::string& token, std::string_view reason,
                           const IdTokenExpectations& expectations = Expect(),
                           absl::Time now = kNow) {
  ExpectRejected(token, absl::StatusCode::kUnauthenticated, reason, expectations, now);
}

TEST_CASE("Good tokens verify with each algorithm", "[id_token]") {
  const TestKey key = GENERATE(Es(), Rs(), Ed());
  CAPTURE(key.kid);
  const auto verified = VerifyIdToken(SignToken(key, Payload()), Keys(), Expect(), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->issuer == kIssuer);
  CHECK(verified->subject == "repo:acme/app:ref:refs/heads/main");
  CHECK(verified->expires_at == kNow + absl::Seconds(300));
  CHECK(verified->claims == Payload());
}

TEST_CASE("An outside issuer's ES256 token verifies in high-S form too", "[id_token]") {
  // Issuers sign with whatever their library does (Go's crypto/ecdsa: high S half of the
  // time); Warden keys nothing on an ID token's string, so the second form gains nothing.
  const std::string token = SignToken(Es(), Payload());
  const size_t dot = token.rfind('.');
  const std::optional<std::string> twin =
      jose::Es256NegateS(*jose::Base64UrlDecode(token.substr(dot + 1)));
  REQUIRE(twin.has_value());
  const std::string high = absl::StrCat(token.substr(0, dot + 1), jose::Base64UrlEncode(*twin));
  REQUIRE_FALSE(jose::Es256IsLowS(*twin));
  CHECK(Verify(token).ok());
  CHECK(Verify(high).ok());
}

TEST_CASE("Audience: single, in a list, wrong, missing, opted out", "[id_token]") {
  Json payload = Payload();
  CHECK(Verify(SignToken(Es(), payload)).ok());
  payload["aud"] = {"other", "warden"};
  CHECK(Verify(SignToken(Es(), payload)).ok());
  IdTokenExpectations several = Expect();
  several.audiences = {"sts.amazonaws.com", "warden"};
  payload["aud"] = "warden";
  CHECK(Verify(SignToken(Es(), payload), several).ok());

  payload["aud"] = "other";
  ExpectUnauthenticated(SignToken(Es(), payload), "token audience is not accepted");
  payload["aud"] = {"other", "more"};
  ExpectUnauthenticated(SignToken(Es(), payload), "token audience is not accepted");
  payload["aud"] = Json::array();
  ExpectUnauthenticated(SignToken(Es(), payload), "token audience is not accepted");
  payload["aud"] = {"warden", 7};
  ExpectUnauthenticated(SignToken(Es(), payload), "token claim aud is malformed");
  payload.erase("aud");
  ExpectUnauthenticated(SignToken(Es(), payload), "token is missing claim aud");

  IdTokenExpectations any = Expect();
  any.audiences.clear();
  any.allow_any_audience = true;
  CHECK(Verify(SignToken(Es(), payload), any).ok());
  payload["aud"] = "anything";
  CHECK(Verify(SignToken(Es(), payload), any).ok());
  payload["aud"] = 7;
  ExpectUnauthenticated(SignToken(Es(), payload), "token claim aud is malformed", any);

  IdTokenExpectations unconfigured = Expect();
  unconfigured.audiences.clear();
  CHECK(Verify(SignToken(Es(), Payload()), unconfigured).code() == absl::StatusCode::kInternal);
}

TEST_CASE("exp and nbf with the leeway", "[id_token]") {
  Json payload = Payload();
  payload["exp"] = kNowSeconds - 60;  // Exactly at the leeway: still accepted.
  CHECK(Verify(SignToken(Es(), payload)).ok());
  payload["exp"] = kNowSeconds - 61;
  ExpectUnauthenticated(SignToken(Es(), payload), "token has expired");
  payload["exp"] = kNowSeconds - 60.5;  // Decimal NumericDates are rounded down.
  ExpectUnauthenticated(SignToken(Es(), payload), "token has expired");
  payload["exp"] = "tomorrow";
  ExpectUnauthenticated(SignToken(Es(), payload), "token claim exp is malformed");
  payload.erase("exp");
  ExpectUnauthenticated(SignToken(Es(), payload), "token is missing claim exp");

  payload = Payload();
  payload["nbf"] = kNowSeconds + 60;
  CHECK(Verify(SignToken(Es(), payload)).ok());
  payload["nbf"] = kNowSeconds + 61;
  ExpectUnauthenticated(SignToken(Es(), payload), "token is not valid yet");
  payload.erase("nbf");
  CHECK(Verify(SignToken(Es(), payload)).ok());
}

TEST_CASE("Issuer, subject and signature must be right", "[id_token]") {
  Json payload = Payload();
  payload["iss"] = "https://token.actions.githubusercontent.com/";
  ExpectUnauthenticated(SignToken(Es(), payload), "token issuer is not accepted");
  payload.erase("iss");
  ExpectUnauthenticated(SignToken(Es(), payload), "token is missing claim iss");
  payload = Payload();
  payload["sub"] = "";
  ExpectUnauthenticated(SignToken(Es(), payload), "token claim sub is malformed");
  payload.erase("sub");
  ExpectUnauthenticated(SignToken(Es(), payload), "token is missing claim sub");

  // Signed by a key the issuer never published, under a published kid.
  const TestKey impostor{jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256), "es-key"};
  ExpectUnauthenticated(SignToken(impostor, Payload()), "token signature is invalid");
  // A payload swapped under a good signature.
  const std::string good = SignToken(Es(), Payload());
  Json changed = Payload();
  changed["sub"] = "repo:evil/app";
  const std::string other = SignToken(Es(), changed);
  const std::string spliced = good.substr(0, good.find('.')) +
                              other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                              good.substr(good.rfind('.'));
  ExpectUnauthenticated(spliced, "token signature is invalid");
  const TestKey unknown = MakeKey(jose::JwsAlgorithm::kEs256, "not-published");
  ExpectUnauthenticated(SignToken(unknown, Payload()), "token header names an unknown signing key");
}

TEST_CASE("The algorithm is the key's, never the token's choice", "[id_token]") {
  const std::string payload = Payload().dump();
  ExpectUnauthenticated(SignRaw(*Es().key, R"({"alg":"none","kid":"es-key"})", payload),
                        "token algorithm is not accepted");
  std::string unsigned_token = SignRaw(*Es().key, R"({"alg":"none","kid":"es-key"})", payload);
  unsigned_token.erase(unsigned_token.rfind('.') + 1);
  // "none" with no signature at all: refused for its algorithm before anything else.
  CHECK(Verify(unsigned_token).code() == absl::StatusCode::kUnauthenticated);
  CHECK(Verify(unsigned_token).message() == "token algorithm is not accepted");
  ExpectUnauthenticated(SignRaw(*Es().key, R"({"alg":"HS256","kid":"es-key"})", payload),
                        "token algorithm is not accepted");
  ExpectUnauthenticated(SignRaw(*Rs().key, R"({"alg":"RS256","kid":"es-key"})", payload),
                        "token algorithm does not match its signing key");
  ExpectUnauthenticated(
      SignRaw(*Es().key, R"({"alg":"ES256","kid":"es-key","crit":["exp"]})", payload),
      "token header has unsupported critical parameters");
}

TEST_CASE("Malformed and oversized tokens are INVALID_ARGUMENT, deep JSON included", "[id_token]") {
  const auto malformed = [](const std::string& token) {
    ExpectRejected(token, absl::StatusCode::kInvalidArgument, "token is malformed");
  };
  malformed("");
  malformed("not a token");
  malformed("a.b.c");
  malformed(SignRaw(*Es().key, R"({"alg":"ES256","kid":"es-key"})", "[1,2]"));
  malformed(SignRaw(*Es().key, R"({"alg":"ES256","kid":7})", Payload().dump()));
  std::string deep = R"({"iss":"x","a":)";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += "}";
  malformed(SignRaw(*Es().key, R"({"alg":"ES256","kid":"es-key"})", deep));
  CHECK(PeekIssuer(SignRaw(*Es().key, R"({"alg":"ES256","kid":"es-key"})", deep)).status() ==
        absl::InvalidArgumentError("token is malformed"));

  Json big = Payload();
  big["padding"] = std::string(16 * 1024, 'x');
  ExpectRejected(SignToken(Es(), big), absl::StatusCode::kInvalidArgument, "token is too large");
}

TEST_CASE("PeekIdToken reads iss and kid without verifying", "[id_token]") {
  const std::string token = SignToken(Es(), Payload());
  const auto peeked = PeekIdToken(token);
  REQUIRE(peeked.ok());
  CHECK(peeked->issuer == kIssuer);
  CHECK(peeked->kid == "es-key");
  CHECK(*PeekIssuer(token) == kIssuer);

  const TestKey forged{jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256), "es-key"};
  CHECK(*PeekIssuer(SignToken(forged, Payload())) == kIssuer);  // Unverified by design.

  Json no_iss = Payload();
  no_iss.erase("iss");
  CHECK(PeekIssuer(SignToken(Es(), no_iss)).status() ==
        absl::InvalidArgumentError("token has no issuer"));
  CHECK(PeekIssuer("garbage").status().code() == absl::StatusCode::kInvalidArgument);
  const auto keyless = PeekIdToken(SignRaw(*Es().key, R"({"alg":"ES256"})", Payload().dump()));
  REQUIRE(keyless.ok());
  CHECK(keyless->kid.empty());
}

TEST_CASE("A header without kid verifies against an issuer with a single key", "[id_token]") {
  const auto single =
      *jose::KeyRing::CreateForVerification({*jose::SigningKey::FromJwk(Ed().Jwk())});
  const std::string token = SignRaw(*Ed().key, R"({"alg":"EdDSA"})", Payload().dump());
  CHECK(VerifyIdToken(token, single, Expect(), kNow).ok());
  CHECK(VerifyIdToken(token, Keys(), Expect(), kNow).status() ==
        absl::InvalidArgumentError("token is malformed"));
}

}  // namespace
}  // namespace warden::oidc
