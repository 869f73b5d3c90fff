// SigningKey::FromJwk and KeyRing::CreateForVerification: outside issuers' public keys.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

const std::shared_ptr<const SigningKey>& Key(JwsAlgorithm alg) {
  static const auto* const keys = new std::shared_ptr<const SigningKey>[] {
    SigningKey::Generate(JwsAlgorithm::kEs256), SigningKey::Generate(JwsAlgorithm::kRs256),
        SigningKey::Generate(JwsAlgorithm::kEdDsa),
  };
  return keys[static_cast<int>(alg)];
}

// A valid RSA key too small for RS256.
Json Rsa1024Jwk() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
  REQUIRE(pkey != nullptr);
  const auto member = [pkey](const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(pkey, name, &bn) == 1);
    std::string bytes(BN_num_bytes(bn), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return Base64UrlEncode(bytes);
  };
  Json jwk = {
      {"kty", "RSA"}, {"n", member(OSSL_PKEY_PARAM_RSA_N)}, {"e", member(OSSL_PKEY_PARAM_RSA_E)}};
  EVP_PKEY_free(pkey);
  return jwk;
}

void ExpectInvalid(const Json& jwk, std::string_view fragment) {
  const auto key = SigningKey::FromJwk(jwk);
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
  INFO(key.status().message());
  CHECK(absl::StrContains(key.status().message(),
                          absl::string_view(fragment.data(), fragment.size())));
}

TEST_CASE("FromJwk reads each key type, keeps the JWK's kid and verifies", "[jwk]") {
  const JwsAlgorithm alg =
      GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
  CAPTURE(AlgorithmName(alg));
  const SigningKey& original = *Key(alg);
  Json jwk = original.PublicJwk();
  jwk["kid"] = "issuer-key-2024";
  const auto key = SigningKey::FromJwk(jwk);
  REQUIRE(key.ok());
  CHECK((*key)->kid() == "issuer-key-2024");
  CHECK((*key)->algorithm() == alg);
  CHECK_FALSE((*key)->can_sign());
  CHECK((*key)->PublicKeyPem() == original.PublicKeyPem());
  CHECK((*key)->PublicJwk()["kid"] == "issuer-key-2024");

  const auto signature = original.Sign("header.payload");
  REQUIRE(signature.ok());
  CHECK((*key)->Verify("header.payload", *signature));
  CHECK_FALSE((*key)->Verify("header.payloaD", *signature));

  SECTION("without kid the key is named by its thumbprint") {
    jwk.erase("kid");
    const auto thumbprinted = SigningKey::FromJwk(jwk);
    REQUIRE(thumbprinted.ok());
    CHECK((*thumbprinted)->kid() == original.kid());
  }
  SECTION("without alg and use the algorithm follows the key type") {
    jwk.erase("alg");
    jwk.erase("use");
    const auto inferred = SigningKey::FromJwk(jwk);
    REQUIRE(inferred.ok());
    CHECK((*inferred)->algorithm() == alg);
  }
  SECTION("an alg that does not fit the key is refused") {
    jwk["alg"] = alg == JwsAlgorithm::kRs256 ? "ES256" : "RS256";
    ExpectInvalid(jwk, "is not supported for this key");
    jwk["alg"] = "none";
    ExpectInvalid(jwk, "is not supported for this key");
    jwk["alg"] = "HS256";
    ExpectInvalid(jwk, "is not supported for this key");
  }
  SECTION("keys for other uses are refused") {
    jwk["use"] = "enc";
    ExpectInvalid(jwk, "use");
    jwk.erase("use");
    jwk["key_ops"] = {"encrypt"};
    ExpectInvalid(jwk, "key_ops");
    jwk["key_ops"] = {"verify"};
    CHECK(SigningKey::FromJwk(jwk).ok());
  }
  SECTION("private members are ignored: the key never signs") {
    jwk["d"] = Base64UrlEncode(std::string(32, 'x'));
    const auto with_d = SigningKey::FromJwk(jwk);
    REQUIRE(with_d.ok());
    CHECK_FALSE((*with_d)->can_sign());
  }
}

TEST_CASE("FromJwk refuses malformed and unsupported keys", "[jwk]") {
  const Json ec = Key(JwsAlgorithm::kEs256)->PublicJwk();
  const Json rsa = Key(JwsAlgorithm::kRs256)->PublicJwk();
  const Json ed = Key(JwsAlgorithm::kEdDsa)->PublicJwk();

  ExpectInvalid(Json::array(), "not a JSON object");
  ExpectInvalid(Json{{"kty", "oct"}, {"k", "AAAA"}}, "key type \"oct\" is not supported");
  ExpectInvalid(Json{{"x", "AAAA"}}, "has no \"kty\"");
  Json p384 = ec;
  p384["crv"] = "P-384";
  ExpectInvalid(p384, "curve \"P-384\" is not supported");
  Json x448 = ed;
  x448["crv"] = "Ed448";
  ExpectInvalid(x448, "curve \"Ed448\" is not supported");

  Json off_curve = ec;  // A point that is not on P-256.
  off_curve["y"] = Base64UrlEncode(std::string(32, '\x01'));
  ExpectInvalid(off_curve, "valid EC public key");
  Json short_x = ec;
  short_x["x"] = Base64UrlEncode(std::string(31, '\x01'));
  ExpectInvalid(short_x, "32 bytes");
  Json bad_base64 = rsa;
  bad_base64["n"] = "not base64!";
  ExpectInvalid(bad_base64, "\"n\" is not base64url");
  Json no_e = rsa;
  no_e.erase("e");
  ExpectInvalid(no_e, "has no \"e\"");
  ExpectInvalid(Rsa1024Jwk(), "RSA key has 1024 bits");
  Json bad_kid = ec;
  bad_kid["kid"] = 7;
  ExpectInvalid(bad_kid, "\"kid\" is not a string");
  bad_kid["kid"] = "";
  ExpectInvalid(bad_kid, "\"kid\" is empty");
  Json long_name = ec;
  long_name["crv"] = std::string(5000, 'z');
  const auto refused = SigningKey::FromJwk(long_name);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().size() < 200);
}

TEST_CASE("CreateForVerification holds public keys only, while Create still needs a signer",
          "[key_ring]") {
  Json jwk = Key(JwsAlgorithm::kEs256)->PublicJwk();
  jwk["kid"] = "a";
  const auto a = *SigningKey::FromJwk(jwk);
  jwk["kid"] = "b";
  const auto b = *SigningKey::FromJwk(jwk);

  const auto ring = KeyRing::CreateForVerification({a, b});
  REQUIRE(ring.ok());
  CHECK(ring->Find("a") == a.get());
  CHECK(ring->Find("b") == b.get());

  CHECK(KeyRing::CreateForVerification({}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(KeyRing::CreateForVerification({a, a}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(KeyRing::CreateForVerification({a, nullptr}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  const auto signing = KeyRing::Create({a, b});
  REQUIRE_FALSE(signing.ok());
  CHECK(absl::StrContains(signing.status().message(), "must be a private key"));
}

}  // namespace
}  // namespace warden::jose
