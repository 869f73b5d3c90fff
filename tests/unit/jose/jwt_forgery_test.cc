// VerifyJwt against forged, tampered and malformed tokens.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>

#include "tests/unit/jose/jwt_test_support.h"
#include "validation/jose/jwt.h"

namespace warden::jose {
namespace {

using namespace jwt_testing;  // NOLINT(build/namespaces)

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

}  // namespace
}  // namespace warden::jose
