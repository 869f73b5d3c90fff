#include "server/oidc/issuer_token_verifier.h"

#include <catch2/catch.hpp>

#include "common/clock.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/oidc/fake_http_fetcher.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::oidc {
namespace {

using testing::DiscoveryDocument;
using testing::FakeHttpFetcher;
using testing::Json;
using testing::Jwks;
using testing::MakeKey;
using testing::SignToken;
using testing::TestKey;

constexpr char kIssuer[] = "https://kubernetes.default.svc";
constexpr char kDiscovery[] = "https://kubernetes.default.svc/.well-known/openid-configuration";
constexpr char kJwksUri[] = "https://kubernetes.default.svc/openid/v1/jwks";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// An issuer behind a fake network, and what Warden expects of its tokens.
struct Fixture {
  Fixture() {
    spec.issuer = kIssuer;
    expectations.issuer = kIssuer;
    expectations.audiences = {"warden"};
  }
  FakeHttpFetcher fetcher;
  FakeClock clock{kNow};
  IssuerKeyCache cache{fetcher, clock, {}};
  IssuerSpec spec;
  IdTokenExpectations expectations;
};

TEST_CASE_METHOD(Fixture,
                 "VerifyIssuerIdToken: rotation end to end, and foreign issuers never fetch",
                 "[issuer_token]") {
  const TestKey old_key = MakeKey(jose::JwsAlgorithm::kRs256, "old");
  const TestKey new_key = MakeKey(jose::JwsAlgorithm::kEs256, "new");
  fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
  fetcher.Serve(kJwksUri, Jwks({old_key}).dump());
  const Json payload = {{"iss", kIssuer},
                        {"sub", "system:serviceaccount:ci:builder"},
                        {"aud", "warden"},
                        {"exp", absl::ToUnixSeconds(kNow) + 3600}};

  auto verified =
      VerifyIssuerIdToken(cache, spec, SignToken(old_key, payload), expectations, clock.Now());
  REQUIRE(verified.ok());
  CHECK(verified->subject == "system:serviceaccount:ci:builder");
  CHECK(cache.fetch_count() == 1);

  fetcher.Serve(kJwksUri, Jwks({old_key, new_key}).dump());
  clock.Advance(absl::Minutes(2));
  verified =
      VerifyIssuerIdToken(cache, spec, SignToken(new_key, payload), expectations, clock.Now());
  REQUIRE(verified.ok());
  CHECK(cache.fetch_count() == 2);

  clock.Advance(absl::Minutes(2));
  Json foreign = payload;
  foreign["iss"] = "https://evil.example";
  const TestKey random_kid = MakeKey(jose::JwsAlgorithm::kEs256, "random");
  CHECK(VerifyIssuerIdToken(cache, spec, SignToken(random_kid, foreign), expectations, clock.Now())
            .status() == absl::UnauthenticatedError("token issuer is not accepted"));
  CHECK(cache.fetch_count() == 2);
  CHECK(VerifyIssuerIdToken(cache, spec, SignToken(random_kid, payload), expectations, clock.Now())
            .status() == absl::UnauthenticatedError("token header names an unknown signing key"));
  CHECK(cache.fetch_count() == 3);
}

TEST_CASE_METHOD(
    Fixture, "VerifyIssuerIdToken: an issuer out of reach is a fixed reason, never the fetcher's",
    "[issuer_token]") {
  // The exchange and direct ID-token authentication answer with this status as it is.
  const std::string token =
      SignToken(MakeKey(jose::JwsAlgorithm::kEs256, "k"),
                {{"iss", kIssuer}, {"sub", "x"}, {"aud", "warden"}, {"exp", 1'800'000'000}});
  fetcher.Fail(
      kDiscovery,
      absl::UnavailableError("GET https://kubernetes.default.svc/.well-known/openid-configuration:"
                             " Failed to connect to 10.96.0.1 port 443 after 1 ms: Couldn't "
                             "connect to server"));
  CHECK(VerifyIssuerIdToken(cache, spec, token, expectations, clock.Now()).status() ==
        absl::UnavailableError("cannot fetch the issuer's OpenID configuration"));
  clock.Advance(absl::Minutes(2));
  fetcher.Fail(kDiscovery, AddressNotAllowedError(kDiscovery, "10.96.0.1 (private)"));
  const absl::Status refused =
      VerifyIssuerIdToken(cache, spec, token, expectations, clock.Now()).status();
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(refused.message() == "the issuer's address is not allowed");
}

}  // namespace
}  // namespace warden::oidc
