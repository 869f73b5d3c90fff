#include "validation/jose/signing_key.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "validation/jose/base64url.h"

namespace warden::jose {
namespace {

// The RSA public key of RFC 7638 §3.1 as SubjectPublicKeyInfo; its thumbprint is given there.
constexpr char kRfc7638PublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0vx7agoebGcQSuuPiLJX
ZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS
oc/BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ/2W+5JsGY4Hc5n9yBXArwl93lqt
7/RN5w6Cf0h4QyQ5v+65YGjQR0/FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0
zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt+bFTWhAI4vMQFh6WeZu0f
M4lFd2NcRwr3XPksINHaQ+G/xBniIqbw0Ls1jF44+csFCur+kEgU8awapJzKnqDK
gwIDAQAB
-----END PUBLIC KEY-----
)";
constexpr char kRfc7638N[] =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
    "65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
constexpr char kRfc7638Thumbprint[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

// Serializes an OpenSSL key the way other tools would hand it to Warden.
enum class PemForm { kPkcs8, kTraditional, kEncryptedPkcs8, kPublic };
std::string ToPem(EVP_PKEY* pkey, PemForm form) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  switch (form) {
    case PemForm::kPkcs8:
      REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr,
                                            nullptr) == 1);
      break;
    case PemForm::kTraditional:
      REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), pkey, nullptr, nullptr, 0, nullptr,
                                                   nullptr) == 1);
      break;
    case PemForm::kEncryptedPkcs8: {
      char pass[] = "secret";
      REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey, EVP_aes_256_cbc(), pass, 6, nullptr,
                                            nullptr) == 1);
      break;
    }
    case PemForm::kPublic:
      REQUIRE(PEM_write_bio_PUBKEY(bio.get(), pkey) == 1);
      break;
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, len);
}

// The base64 body lines of a PEM: the key material an error message must never echo.
std::vector<std::string> PemBodyLines(const std::string& pem) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(pem, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "-----")) lines.emplace_back(line);
  }
  return lines;
}

TEST_CASE("AlgorithmName gives the JWS alg names", "[signing_key]") {
  CHECK(AlgorithmName(JwsAlgorithm::kEs256) == "ES256");
  CHECK(AlgorithmName(JwsAlgorithm::kRs256) == "RS256");
  CHECK(AlgorithmName(JwsAlgorithm::kEdDsa) == "EdDSA");
}

TEST_CASE("Generated keys sign and verify in their wire form", "[signing_key]") {
  const auto [alg, signature_size] = GENERATE(table<JwsAlgorithm, size_t>({
      {JwsAlgorithm::kEs256, 64},
      {JwsAlgorithm::kRs256, 256},
      {JwsAlgorithm::kEdDsa, 64},
  }));
  CAPTURE(AlgorithmName(alg));
  const auto key = SigningKey::Generate(alg);
  CHECK(key->algorithm() == alg);
  CHECK(key->can_sign());
  CHECK(key->kid().size() == 43);  // base64url of a SHA-256 digest
  const auto signature = key->Sign("header.payload");
  REQUIRE(signature.ok());
  CHECK(signature->size() == signature_size);
  CHECK(key->Verify("header.payload", *signature));
  CHECK_FALSE(key->Verify("header.payloae", *signature));
  std::string flipped = *signature;
  flipped[flipped.size() / 2] ^= 1;
  CHECK_FALSE(key->Verify("header.payload", flipped));
  CHECK_FALSE(key->Verify("header.payload", ""));
  CHECK_FALSE(key->Verify("header.payload", *signature + "x"));
}

TEST_CASE("PEM round trips keep the kid, and a public PEM verifies but cannot sign",
          "[signing_key]") {
  const JwsAlgorithm alg =
      GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256, JwsAlgorithm::kEdDsa);
  CAPTURE(AlgorithmName(alg));
  const auto key = SigningKey::Generate(alg);
  const std::string private_pem = key->PrivateKeyPem();
  const std::string public_pem = key->PublicKeyPem();
  CHECK(absl::StartsWith(private_pem, "-----BEGIN PRIVATE KEY-----\n"));
  CHECK(absl::StartsWith(public_pem, "-----BEGIN PUBLIC KEY-----\n"));

  const auto reloaded = SigningKey::FromPem(private_pem);
  REQUIRE(reloaded.ok());
  CHECK((*reloaded)->kid() == key->kid());
  CHECK((*reloaded)->algorithm() == alg);
  CHECK((*reloaded)->can_sign());

  const auto public_only = SigningKey::FromPem(public_pem);
  REQUIRE(public_only.ok());
  CHECK((*public_only)->kid() == key->kid());
  CHECK_FALSE((*public_only)->can_sign());
  CHECK((*public_only)->PublicKeyPem() == public_pem);
  const auto signature = key->Sign("data");
  REQUIRE(signature.ok());
  CHECK((*public_only)->Verify("data", *signature));
  CHECK((*public_only)->Sign("data").status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("FromPem accepts traditional EC and RSA private keys", "[signing_key]") {
  const JwsAlgorithm alg = GENERATE(JwsAlgorithm::kEs256, JwsAlgorithm::kRs256);
  const auto key = SigningKey::Generate(alg);
  // Re-serialize through OpenSSL in the traditional "EC/RSA PRIVATE KEY" form.
  const std::string private_pem = key->PrivateKeyPem();
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(pkey != nullptr);
  const std::string traditional = ToPem(pkey.get(), PemForm::kTraditional);
  CHECK(absl::StrContains(
      traditional, alg == JwsAlgorithm::kEs256 ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY"));
  const auto loaded = SigningKey::FromPem(traditional);
  REQUIRE(loaded.ok());
  CHECK((*loaded)->kid() == key->kid());
  CHECK((*loaded)->can_sign());
}

TEST_CASE("FromPem rejects unsupported keys by name without echoing key material",
          "[signing_key]") {
  struct Case {
    const char* type;
    const char* param;  // curve name, or nullptr
    size_t rsa_bits;
    const char* expected;
  };
  const Case c = GENERATE(values<Case>({
      {"EC", "P-384", 0, "secp384r1"},
      {"EC", "secp256k1", 0, "secp256k1"},
      {"RSA", nullptr, 1024, "1024 bits"},
      {"ED448", nullptr, 0, "ED448"},
      {"X25519", nullptr, 0, "X25519"},
  }));
  CAPTURE(c.type, c.expected);
  PkeyPtr pkey(c.param != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, c.type, c.param)
               : c.rsa_bits != 0  ? EVP_PKEY_Q_keygen(nullptr, nullptr, c.type, c.rsa_bits)
                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, c.type));
  REQUIRE(pkey != nullptr);
  for (const PemForm form : {PemForm::kPkcs8, PemForm::kPublic}) {
    const std::string pem = ToPem(pkey.get(), form);
    const auto key = SigningKey::FromPem(pem);
    REQUIRE(key.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string message(key.status().message());
    CHECK(absl::StrContains(message, c.expected));
    for (const std::string& line : PemBodyLines(pem)) CHECK_FALSE(absl::StrContains(message, line));
  }
}

TEST_CASE("FromPem rejects encrypted keys and garbage", "[signing_key]") {
  const auto key = SigningKey::Generate(JwsAlgorithm::kEs256);
  const std::string private_pem = key->PrivateKeyPem();
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(pkey != nullptr);
  const auto encrypted = SigningKey::FromPem(ToPem(pkey.get(), PemForm::kEncryptedPkcs8));
  CHECK(encrypted.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains(encrypted.status().message(), "encrypted"));

  for (const char* garbage :
       {"", "hello", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}) {
    const auto parsed = SigningKey::FromPem(garbage);
    CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
  }
  // A truncated private key must not leak its remaining lines into the message.
  const std::string truncated = private_pem.substr(0, private_pem.size() / 2);
  const auto parsed = SigningKey::FromPem(truncated);
  REQUIRE_FALSE(parsed.ok());
  for (const std::string& line : PemBodyLines(truncated)) {
    CHECK_FALSE(absl::StrContains(parsed.status().message(), line));
  }
}

TEST_CASE("kid is the RFC 7638 thumbprint", "[signing_key]") {
  const auto key = SigningKey::FromPem(kRfc7638PublicPem);
  REQUIRE(key.ok());
  CHECK((*key)->algorithm() == JwsAlgorithm::kRs256);
  CHECK((*key)->kid() == kRfc7638Thumbprint);
  const nlohmann::json jwk = (*key)->PublicJwk();
  CHECK(jwk["kty"] == "RSA");
  CHECK(jwk["n"] == kRfc7638N);
  CHECK(jwk["e"] == "AQAB");
  CHECK(jwk["kid"] == kRfc7638Thumbprint);
  CHECK(jwk["alg"] == "RS256");
  CHECK(jwk["use"] == "sig");
}

TEST_CASE("PublicJwk has the public members only", "[signing_key]") {
  const auto [alg, kty, crv] = GENERATE(table<JwsAlgorithm, std::string, std::string>({
      {JwsAlgorithm::kEs256, "EC", "P-256"},
      {JwsAlgorithm::kRs256, "RSA", ""},
      {JwsAlgorithm::kEdDsa, "OKP", "Ed25519"},
  }));
  const auto key = SigningKey::Generate(alg);
  const nlohmann::json jwk = key->PublicJwk();
  CHECK(jwk["kty"] == kty);
  CHECK(jwk["kid"] == key->kid());
  CHECK(jwk["alg"] == AlgorithmName(alg));
  CHECK(jwk["use"] == "sig");
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"}) CHECK_FALSE(jwk.contains(secret));
  if (!crv.empty()) {
    CHECK(jwk["crv"] == crv);
    CHECK(Base64UrlDecode(jwk["x"].get<std::string>())->size() == 32);
  }
  if (alg == JwsAlgorithm::kEs256) {
    CHECK(Base64UrlDecode(jwk["y"].get<std::string>())->size() == 32);
  }
  if (alg == JwsAlgorithm::kRs256) {
    CHECK(Base64UrlDecode(jwk["n"].get<std::string>())->size() == 256);
    CHECK(jwk["e"] == "AQAB");
  }
}

TEST_CASE("LoadFile names the path when the file is missing", "[signing_key]") {
  const auto key = SigningKey::LoadFile("/nonexistent/warden/key.pem");
  CHECK(key.status().code() == absl::StatusCode::kNotFound);
  CHECK(absl::StrContains(key.status().message(), "/nonexistent/warden/key.pem"));
}

}  // namespace
}  // namespace warden::jose
