#include "server/oidc/discovery.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/unit/oidc/fake_http_fetcher.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::oidc {
namespace {

using testing::DiscoveryDocument;
using testing::FakeHttpFetcher;
using testing::Json;
using testing::Jwks;
using testing::MakeKey;
using testing::TestKey;

constexpr char kIssuer[] = "https://issuer.example.com";
constexpr char kDiscovery[] = "https://issuer.example.com/.well-known/openid-configuration";
constexpr char kJwksUri[] = "https://issuer.example.com/keys";

TEST_CASE("DiscoveryUrl appends the well-known path after one trailing slash", "[discovery]") {
  CHECK(DiscoveryUrl("https://a.example") == "https://a.example/.well-known/openid-configuration");
  CHECK(DiscoveryUrl("https://a.example/") == "https://a.example/.well-known/openid-configuration");
  CHECK(DiscoveryUrl("https://a.example/tenant") ==
        "https://a.example/tenant/.well-known/openid-configuration");
}

TEST_CASE("Discovery fetches the document, then the JWKS, keyed by the issuer's kids",
          "[discovery]") {
  FakeHttpFetcher fetcher;
  const TestKey ec = MakeKey(jose::JwsAlgorithm::kEs256, "ec-1");
  const TestKey rsa = MakeKey(jose::JwsAlgorithm::kRs256, "rsa-1");
  const TestKey ed = MakeKey(jose::JwsAlgorithm::kEdDsa, "ed-1");
  fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
  Json jwks = Jwks({ec, rsa, ed});
  jwks["keys"].push_back({{"kty", "RSA"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}});
  jwks["keys"].push_back({{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}});
  jwks["keys"].push_back({{"kty", "oct"}, {"k", "c2VjcmV0"}});
  jwks["keys"].push_back(ec.Jwk());  // The same kid twice: the first wins.
  fetcher.Serve(kJwksUri, jwks.dump());

  const auto keys = DiscoverIssuerKeys(fetcher, kIssuer, FetchOptions{});
  REQUIRE(keys.ok());
  CHECK(keys->jwks_uri == kJwksUri);
  CHECK(keys->skipped_keys == 4);
  REQUIRE(keys->keys->keys().size() == 3);
  CHECK(keys->keys->Find("ec-1")->algorithm() == jose::JwsAlgorithm::kEs256);
  CHECK(keys->keys->Find("rsa-1")->algorithm() == jose::JwsAlgorithm::kRs256);
  CHECK(keys->keys->Find("ed-1")->algorithm() == jose::JwsAlgorithm::kEdDsa);
  CHECK(keys->keys->Find(ec.key->kid()) == nullptr);  // Not the thumbprint.

  const auto requests = fetcher.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].url == kDiscovery);
  CHECK(requests[1].url == kJwksUri);
}

TEST_CASE("Discovery refuses what it cannot trust", "[discovery]") {
  FakeHttpFetcher fetcher;
  const TestKey ec = MakeKey(jose::JwsAlgorithm::kEs256, "ec-1");
  fetcher.Serve(kJwksUri, Jwks({ec}).dump());
  const auto discover = [&] {
    return DiscoverIssuerKeys(fetcher, kIssuer, FetchOptions{}).status();
  };

  SECTION("an issuer that is not exactly the configured one") {
    for (const std::string named :
         {"https://issuer.example.com/", "https://ISSUER.example.com", "https://evil.example"}) {
      fetcher.Serve(kDiscovery, DiscoveryDocument(named, kJwksUri).dump());
      CHECK(discover() == absl::FailedPreconditionError(
                              "the issuer's OpenID configuration names another issuer"));
    }
    Json no_issuer = DiscoveryDocument(kIssuer, kJwksUri);
    no_issuer.erase("issuer");
    fetcher.Serve(kDiscovery, no_issuer.dump());
    CHECK(discover().code() == absl::StatusCode::kFailedPrecondition);
  }
  SECTION("a jwks_uri that is not https, or none") {
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, "http://issuer.example.com/keys").dump());
    CHECK(discover() ==
          absl::FailedPreconditionError(
              "the issuer's OpenID configuration names a jwks_uri that is not https"));
    Json no_jwks = DiscoveryDocument(kIssuer, kJwksUri);
    no_jwks["jwks_uri"] = 42;
    fetcher.Serve(kDiscovery, no_jwks.dump());
    CHECK(discover().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(fetcher.CountOf("http://issuer.example.com/keys") == 0);
  }
  SECTION("documents that are not JSON objects") {
    fetcher.Serve(kDiscovery, "<html>hello</html>");
    CHECK(discover() ==
          absl::FailedPreconditionError("the issuer's OpenID configuration is not JSON"));
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
    fetcher.Serve(kJwksUri, R"({"keys": [], "keys": []})");
    CHECK(discover() == absl::FailedPreconditionError("the issuer's keys (JWKS) are not JSON"));
    fetcher.Serve(kJwksUri, R"({"nokeys": []})");
    CHECK(discover() ==
          absl::FailedPreconditionError("the issuer's keys (JWKS) have no keys array"));
    std::string deep = R"({"keys":)";
    for (int i = 0; i < 100000; ++i) deep += "[";
    fetcher.Serve(kJwksUri, deep);
    CHECK(discover().code() == absl::StatusCode::kFailedPrecondition);
  }
  SECTION("a JWKS without any usable key") {
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
    fetcher.Serve(kJwksUri, R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})");
    CHECK(discover() ==
          absl::FailedPreconditionError("the issuer's keys (JWKS) have no usable signing key"));
  }
  SECTION("fetch errors keep their code and HTTP status, but not the fetcher's words") {
    fetcher.Fail(kDiscovery, HttpStatusError(kDiscovery, 503));
    absl::Status status = discover();
    CHECK(status.code() == absl::StatusCode::kUnavailable);
    CHECK(status.message() == "cannot fetch the issuer's OpenID configuration");
    CHECK(HttpStatusOf(status) == 503);
    fetcher.Fail(kDiscovery, HttpStatusError(kDiscovery, 404));
    CHECK(discover().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(HttpStatusOf(discover()) == 404);
    // What libcurl says about a port scanned through the issuer URL never reaches the caller.
    fetcher.Fail(kDiscovery, absl::UnavailableError(absl::StrCat(
                                 "GET ", kDiscovery,
                                 ": Failed to connect to 10.0.0.5 port 5432 after 2 ms: "
                                 "Connection refused")));
    CHECK(discover() == absl::UnavailableError("cannot fetch the issuer's OpenID configuration"));
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
    fetcher.Fail(kJwksUri, absl::UnavailableError("GET: SSL certificate problem at 10.0.0.5"));
    CHECK(discover() == absl::UnavailableError("cannot fetch the issuer's keys"));
  }
  SECTION("a host Warden may not connect to, for the document or for the keys") {
    fetcher.Fail(kDiscovery, AddressNotAllowedError(kDiscovery, "169.254.169.254 (link-local)"));
    absl::Status status = discover();
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(status.message() == "the issuer's address is not allowed");
    CHECK(IsAddressNotAllowed(status));
    fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, kJwksUri).dump());
    fetcher.Fail(kJwksUri, AddressNotAllowedError(kJwksUri, "10.0.0.5 (private)"));
    status = discover();
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(status.message() == "the address of the issuer's keys is not allowed");
  }
  SECTION("an oversized response") {
    Json padded = DiscoveryDocument(kIssuer, kJwksUri);
    padded["padding"] = std::string(4096, 'x');
    fetcher.Serve(kDiscovery, padded.dump());
    FetchOptions options;
    options.max_bytes = 1024;
    const absl::Status status = DiscoverIssuerKeys(fetcher, kIssuer, options).status();
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  }
}

TEST_CASE("A bearer token goes to the JWKS only on the issuer's origin", "[discovery]") {
  FakeHttpFetcher fetcher;
  const TestKey ec = MakeKey(jose::JwsAlgorithm::kEs256, "ec-1");
  FetchOptions options;
  options.bearer_token = "sa-token";
  const std::string elsewhere = "https://keys.example.net/jwks";
  const std::string jwks_uri =
      GENERATE(std::string(kJwksUri), std::string("https://keys.example.net/jwks"));
  fetcher.Serve(kDiscovery, DiscoveryDocument(kIssuer, jwks_uri).dump());
  fetcher.Serve(jwks_uri, Jwks({ec}).dump());
  REQUIRE(DiscoverIssuerKeys(fetcher, kIssuer, options).ok());
  const auto requests = fetcher.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].bearer_token == "sa-token");
  if (jwks_uri == elsewhere) {
    CHECK_FALSE(requests[1].bearer_token.has_value());
  } else {
    CHECK(requests[1].bearer_token == "sa-token");
  }
}

}  // namespace
}  // namespace warden::oidc
