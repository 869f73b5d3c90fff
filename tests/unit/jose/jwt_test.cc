#include "server/jose/jwt.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "server/jose/base64url.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

constexpr char kIssuer[] = "https://warden.example.com";
constexpr char kAudience[] = "warden";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// Generating RSA keys is slow; every test shares one key per algorithm.
const std::shared_ptr<const SigningKey>& Key(JwsAlgorithm alg) {
  static const auto* const keys = new std::shared_ptr<const SigningKey>[] {
    SigningKey::Generate(JwsAlgorithm::kEs256), SigningKey::Generate(JwsAlgorithm::kRs256),
        SigningKey::Generate(JwsAlgorithm::kEdDsa),
  };
  return keys[static_cast<int>(alg)];
}
const SigningKey& Es256() { return *Key(JwsAlgorithm::kEs256); }
const SigningKey& Rs256() { return *Key(JwsAlgorithm::kRs256); }

const KeyRing& Ring() {
  static const KeyRing* const ring = new KeyRing(*KeyRing::Create(
      {Key(JwsAlgorithm::kEs256), Key(JwsAlgorithm::kRs256), Key(JwsAlgorithm::kEdDsa)}));
  return *ring;
}

JwtClaims Claims() {
  JwtClaims claims;
  claims.issuer = kIssuer;
  claims.audience = {kAudience};
  claims.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  claims.issued_at = kNow - absl::Hours(1);
  claims.not_before = kNow - absl::Hours(1);
  claims.expires_at = kNow + absl::Hours(1);
  claims.name = "ci-pipeline";
  claims.roles = {"Continuous Integration", "Analyst"};
  return claims;
}

VerifyOptions Options() {
  VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

Json Header(const SigningKey& key) {
  return {{"alg", AlgorithmName(key.algorithm())}, {"kid", key.kid()}, {"typ", "JWT"}};
}

Json Payload() {
  return {{"iss", kIssuer},
          {"aud", kAudience},
          {"jti", "0f8fad5b-d9cb-469f-a165-70867728950e"},
          {"iat", absl::ToUnixSeconds(kNow) - 3600},
          {"nbf", absl::ToUnixSeconds(kNow) - 3600},
          {"exp", absl::ToUnixSeconds(kNow) + 3600},
          {"name", "ci-pipeline"},
          {"roles", {"Analyst"}}};
}

// A compact JWS over raw header and payload text, signed by `key`: how a forger who holds a
// key (or a bug in another issuer) would build one.
std::string SignedText(const SigningKey& key, std::string_view header, std::string_view payload) {
  const std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  const auto signature = key.Sign(input);
  REQUIRE(signature.ok());
  return absl::StrCat(input, ".", Base64UrlEncode(*signature));
}
std::string SignedWith(const SigningKey& key, const Json& header, const Json& payload) {
  return SignedText(key, header.dump(), payload.dump());
}

std::string Mint(const JwtClaims& claims, const SigningKey& key = Es256()) {
  const auto token = SignJwt(key, claims);
  REQUIRE(token.ok());
  return *token;
}

std::vector<std::string> Parts(const std::string& token) { return absl::StrSplit(token, '.'); }

// Asserts UNAUTHENTICATED with exactly `reason`, and that the reason echoes no part of the token.
void ExpectRejected(const std::string& token, std::string_view reason, absl::Time now = kNow,
                    const VerifyOptions& options = Options()) {
  const auto claims = VerifyJwt(Ring(), token, options, now);
  REQUIRE_FALSE(claims.ok());
  CHECK(claims.status().code() == absl::StatusCode::kUnauthenticated);
  const std::string message(claims.status().message());
  CHECK(message == reason);
  if (!token.empty()) CHECK_FALSE(absl::StrContains(message, token));
  for (const std::string& part : Parts(token)) {
    if (part.size() >= 8) CHECK_FALSE(absl::StrContains(message, part));
  }
}

void ExpectAccepted(const std::string& token, absl::Time now = kNow,
                    const VerifyOptions& options = Options()) {
  const auto claims = VerifyJwt(Ring(), token, options, now);
  INFO(claims.status().ToString());
  CHECK(claims.ok());
}

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

TEST_CASE("alg none is rejected, with and without a signature", "[jwt]") {
  const std::string alg = GENERATE("none", "None", "NONE");
  Json header = Header(Es256());
  header["alg"] = alg;
  const std::string input =
      absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(Payload().dump()));
  ExpectRejected(input + ".", "token algorithm is not accepted");
  ExpectRejected(input + "." + Base64UrlEncode(*Es256().Sign(input)),
                 "token algorithm is not accepted");
}

TEST_CASE("HS256 keyed with the verifying key's public PEM is rejected", "[jwt]") {
  const JwsAlgorithm alg =
      GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
  const SigningKey& key = *Key(alg);
  const std::string hs = GENERATE("HS256", "HS512", "hs256");
  Json header = Header(key);
  header["alg"] = hs;
  const std::string input =
      absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(Payload().dump()));
  const std::string secret = key.PublicKeyPem();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  REQUIRE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
               &mac_len) != nullptr);
  const std::string token =
      absl::StrCat(input, ".", Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len)));
  ExpectRejected(token, "token algorithm is not accepted");
}

TEST_CASE("The kid must name a key in the ring", "[jwt]") {
  const auto stranger = SigningKey::Generate(JwsAlgorithm::kEs256);
  ExpectRejected(Mint(Claims(), *stranger), "token header names an unknown signing key");
  Json header = Header(Es256());
  header.erase("kid");
  ExpectRejected(SignedWith(Es256(), header, Payload()), "token is malformed");
  header["kid"] = 1;
  ExpectRejected(SignedWith(Es256(), header, Payload()), "token is malformed");
  header["kid"] = "";
  ExpectRejected(SignedWith(Es256(), header, Payload()),
                 "token header names an unknown signing key");
}

TEST_CASE("The header alg must be exactly the key's algorithm", "[jwt]") {
  Json header = Header(Es256());
  header["alg"] = GENERATE("RS256", "EdDSA", "ES384", "es256", "PS256");
  ExpectRejected(SignedWith(Es256(), header, Payload()),
                 "token algorithm does not match its signing key");
  Json rsa_header = Header(Rs256());
  rsa_header["alg"] = "ES256";
  ExpectRejected(SignedWith(Rs256(), rsa_header, Payload()),
                 "token algorithm does not match its signing key");
  header.erase("alg");
  ExpectRejected(SignedWith(Es256(), header, Payload()), "token is malformed");
}

TEST_CASE("Tampered payloads and signatures are rejected", "[jwt]") {
  const JwsAlgorithm alg =
      GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
  const std::string token = Mint(Claims(), *Key(alg));
  const std::vector<std::string> parts = Parts(token);

  Json escalated = Json::parse(*Base64UrlDecode(parts[1]));
  escalated["roles"] = {"Admin"};
  ExpectRejected(absl::StrCat(parts[0], ".", Base64UrlEncode(escalated.dump()), ".", parts[2]),
                 "token signature is invalid");

  std::string signature = *Base64UrlDecode(parts[2]);
  signature[5] ^= 0x01;
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(signature)),
                 "token signature is invalid");
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], "."), "token signature is invalid");
  // The signature of another token does not transfer.
  JwtClaims other = Claims();
  other.name = "other";
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", Parts(Mint(other, *Key(alg)))[2]),
                 "token signature is invalid");
}

TEST_CASE("An ES256 signature in DER form is rejected", "[jwt]") {
  const std::vector<std::string> parts = Parts(Mint(Claims()));
  const std::string raw = *Base64UrlDecode(parts[2]);
  REQUIRE(raw.size() == 64);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  REQUIRE(ECDSA_SIG_set0(sig, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr)));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  REQUIRE(der_len > 0);
  const std::string der_signature(reinterpret_cast<char*>(der), der_len);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(der_signature)),
                 "token signature is invalid");
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

TEST_CASE("Oversized tokens are rejected before parsing", "[jwt]") {
  ExpectRejected(std::string(16 * 1024 + 1, 'a'), "token is too large");
  JwtClaims claims = Claims();
  claims.roles.assign(2000, "Analyst");
  const std::string big = Mint(claims);
  REQUIRE(big.size() > 16 * 1024);
  ExpectRejected(big, "token is too large");
  VerifyOptions roomy = Options();
  roomy.max_token_bytes = 64 * 1024;
  ExpectAccepted(big, kNow, roomy);
}

TEST_CASE("Garbage is malformed", "[jwt]") {
  const std::string token = Mint(Claims());
  const std::vector<std::string> parts = Parts(token);
  const std::string garbage = GENERATE_COPY(values<std::string>({
      "",
      ".",
      "..",
      "...",
      "abc",
      "not a jwt at all",
      "a.b",
      "eyJhbGciOiJFUzI1NiJ9.e30",
      parts[0] + "." + parts[1],
      token + ".",
      token + "." + parts[2],
      " " + token,
      token + "\n",
      token + "=",
      parts[0] + "=." + parts[1] + "." + parts[2],
      "." + parts[1] + "." + parts[2],
      parts[0] + ".." + parts[2],
      Base64UrlEncode("[]") + "." + parts[1] + "." + parts[2],
      Base64UrlEncode("\"ES256\"") + "." + parts[1] + "." + parts[2],
      Base64UrlEncode("{") + "." + parts[1] + "." + parts[2],
  }));
  ExpectRejected(garbage, "token is malformed");
}

TEST_CASE("Duplicate JSON member names are malformed", "[jwt]") {
  const std::string kid = Es256().kid();
  const std::string header = R"({"alg":"ES256","kid":")" + kid + R"(","alg":"none"})";
  ExpectRejected(SignedText(Es256(), header, Payload().dump()), "token is malformed");

  std::string payload = Payload().dump();
  payload.insert(1, R"("iss":"https://evil.example",)");
  ExpectRejected(SignedText(Es256(), Header(Es256()).dump(), payload), "token is malformed");

  Json nested = Payload();
  nested["extra"] = Json::object();
  std::string nested_text = nested.dump();
  const size_t at = nested_text.find("\"extra\":{") + 9;
  nested_text.insert(at, R"("a":1,"a":2)");
  ExpectRejected(SignedText(Es256(), Header(Es256()).dump(), nested_text), "token is malformed");
  // Invalid UTF-8 in the payload is malformed too.
  ExpectRejected(SignedText(Es256(), Header(Es256()).dump(), "{\"name\":\"\xff\"}"),
                 "token is malformed");
}

TEST_CASE("A crit header is rejected", "[jwt]") {
  Json header = Header(Es256());
  header["crit"] = {"exp"};
  ExpectRejected(SignedWith(Es256(), header, Payload()),
                 "token header has unsupported critical parameters");
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
