#include "validation/jose/signing_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "validation/jose/base64url.h"
#include "validation/jose/ecdsa_signature.h"
#include "validation/jose/openssl_ptr.h"

namespace warden::jose {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;  // Bounds the cost of every verification.
constexpr size_t kP256CoordinateBytes = 32;
constexpr size_t kMaxKeyFileBytes = 1 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Declines every passphrase prompt: encrypted keys fail to load instead of blocking on a TTY.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}

std::string BnToBytes(const BIGNUM* bn) {
  std::string out(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

BnPtr GetBnParam(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return nullptr;
  return BnPtr(bn);
}

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  CHECK_EQ(EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr), 1);
  return std::string(reinterpret_cast<char*>(digest), len);
}

// The public JWK members (RFC 7518 §6, RFC 8037 §2), or an error naming what is unsupported.
absl::StatusOr<std::pair<JwsAlgorithm, nlohmann::json>> DescribeKey(EVP_PKEY* pkey) {
  nlohmann::json jwk = nlohmann::json::object();
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[80] = {};
    size_t group_len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_len) != 1) {
      return absl::InvalidArgumentError(
          "EC keys with explicit curve parameters are not supported; use curve P-256");
    }
    if (OBJ_sn2nid(group) != NID_X9_62_prime256v1 &&
        EC_curve_nist2nid(group) != NID_X9_62_prime256v1) {
      return absl::InvalidArgumentError(
          absl::StrCat("EC key on curve ", group, " is not supported; use curve P-256 (ES256)"));
    }
    BnPtr x = GetBnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X);
    BnPtr y = GetBnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y);
    if (x == nullptr || y == nullptr)
      return absl::InvalidArgumentError("EC key has no public point");
    std::string xb(kP256CoordinateBytes, '\0'), yb(kP256CoordinateBytes, '\0');
    BN_bn2binpad(x.get(), reinterpret_cast<unsigned char*>(xb.data()), kP256CoordinateBytes);
    BN_bn2binpad(y.get(), reinterpret_cast<unsigned char*>(yb.data()), kP256CoordinateBytes);
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = Base64UrlEncode(xb);
    jwk["y"] = Base64UrlEncode(yb);
    return std::make_pair(JwsAlgorithm::kEs256, std::move(jwk));
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) {  // Plain RSA only; "RSA-PSS" keys fall through.
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      return absl::InvalidArgumentError(absl::StrCat("RSA key has ", bits, " bits; RS256 needs ",
                                                     kMinRsaBits, " to ", kMaxRsaBits));
    }
    BnPtr n = GetBnParam(pkey, OSSL_PKEY_PARAM_RSA_N);
    BnPtr e = GetBnParam(pkey, OSSL_PKEY_PARAM_RSA_E);
    if (n == nullptr || e == nullptr) return absl::InvalidArgumentError("RSA key has no modulus");
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(BnToBytes(n.get()));
    jwk["e"] = Base64UrlEncode(BnToBytes(e.get()));
    return std::make_pair(JwsAlgorithm::kRs256, std::move(jwk));
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) {
    std::string raw(32, '\0');
    size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) !=
            1 ||
        len != raw.size()) {
      return absl::InvalidArgumentError("Ed25519 key has no public key");
    }
    jwk["kty"] = "OKP";
    jwk["crv"] = "Ed25519";
    jwk["x"] = Base64UrlEncode(raw);
    return std::make_pair(JwsAlgorithm::kEdDsa, std::move(jwk));
  }
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return absl::InvalidArgumentError(
      absl::StrCat("key type ", type != nullptr ? type : "unknown",
                   " is not supported; use EC P-256 (ES256), RSA (RS256) or Ed25519 (EdDSA)"));
}

// RFC 7638 §3: the required members only, in lexicographic order, without whitespace.
// nlohmann::json keeps object members sorted and dump() without indent adds no whitespace.
std::string Thumbprint(const nlohmann::json& jwk) {
  nlohmann::json required = nlohmann::json::object();
  const std::string kty = jwk.at("kty").get<std::string>();
  required["kty"] = kty;
  if (kty == "EC") {
    for (const char* member : {"crv", "x", "y"}) required[member] = jwk.at(member);
  } else if (kty == "RSA") {
    for (const char* member : {"e", "n"}) required[member] = jwk.at(member);
  } else {
    for (const char* member : {"crv", "x"}) required[member] = jwk.at(member);
  }
  return Base64UrlEncode(Sha256(required.dump()));
}

}  // namespace

std::string_view AlgorithmName(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::kEs256:
      return "ES256";
    case JwsAlgorithm::kRs256:
      return "RS256";
    case JwsAlgorithm::kEdDsa:
      return "EdDSA";
  }
  return "unknown";
}

void SigningKey::PkeyFree::operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }

SigningKey::SigningKey(PkeyPtr pkey, JwsAlgorithm algorithm, bool can_sign,
                       nlohmann::json public_jwk)
    : pkey_(std::move(pkey)),
      verifier_(pkey_.get()),
      algorithm_(algorithm),
      can_sign_(can_sign),
      public_jwk_(std::move(public_jwk)),
      kid_(public_jwk_.at("kid").get<std::string>()) {}

SigningKey::~SigningKey() = default;

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::FromPkey(PkeyPtr pkey, bool can_sign,
                                                                       std::string kid) {
  auto described = DescribeKey(pkey.get());
  ERR_clear_error();
  if (!described.ok()) return described.status();
  auto [algorithm, jwk] = *std::move(described);
  jwk["kid"] = kid.empty() ? Thumbprint(jwk) : std::move(kid);
  jwk["alg"] = std::string(AlgorithmName(algorithm));
  jwk["use"] = "sig";
  return std::shared_ptr<const SigningKey>(
      new SigningKey(std::move(pkey), algorithm, can_sign, std::move(jwk)));
}

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::FromPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return absl::InvalidArgumentError("PEM is too large");
  // Checked up front: OpenSSL would only report a failed (declined) passphrase prompt.
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    return absl::InvalidArgumentError("encrypted private keys are not supported");
  }
  const auto open = [pem] {
    return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  };
  PkeyPtr pkey;
  bool can_sign = false;
  if (BioPtr bio = open(); bio != nullptr) {
    pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
    can_sign = pkey != nullptr;
  }
  if (pkey == nullptr) {
    if (BioPtr bio = open(); bio != nullptr) {
      pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
    }
  }
  ERR_clear_error();  // Failed attempts leave entries that would confuse later callers.
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        "not a PEM private key (PKCS#8 or traditional) or public key (SubjectPublicKeyInfo)");
  }
  return FromPkey(std::move(pkey), can_sign);
}

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::LoadFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rbe"),
                                                       &std::fclose);
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open signing key file ", path));
  }
  std::string pem;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    pem.append(buffer, n);
    if (pem.size() > kMaxKeyFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("signing key file ", path, " is larger than ", kMaxKeyFileBytes, " bytes"));
    }
  }
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read signing key file ", path));
  }
  auto key = FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  OPENSSL_cleanse(buffer, sizeof(buffer));
  if (!key.ok()) {
    return absl::Status(key.status().code(),
                        absl::StrCat("signing key file ", path, ": ", key.status().message()));
  }
  return key;
}

std::shared_ptr<const SigningKey> SigningKey::Generate(JwsAlgorithm alg) {
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case JwsAlgorithm::kEs256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case JwsAlgorithm::kRs256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits));
      break;
    case JwsAlgorithm::kEdDsa:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  CHECK(raw != nullptr) << "OpenSSL could not generate a " << AlgorithmName(alg) << " key";
  auto key = FromPkey(PkeyPtr(raw), /*can_sign=*/true);
  CHECK(key.ok()) << key.status();
  return *std::move(key);
}

std::string SigningKey::PrivateKeyPem() const {
  CHECK(can_sign_) << "PrivateKeyPem() on a public-only key";
  BioPtr bio(BIO_new(BIO_s_mem()));
  CHECK(bio != nullptr);
  CHECK_EQ(
      PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr),
      1);
  return BioContents(bio.get());
}

std::string SigningKey::PublicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  CHECK(bio != nullptr);
  CHECK_EQ(PEM_write_bio_PUBKEY(bio.get(), pkey_.get()), 1);
  return BioContents(bio.get());
}

nlohmann::json SigningKey::PublicJwk() const { return public_jwk_; }

absl::StatusOr<std::string> SigningKey::Sign(std::string_view signing_input) const {
  if (!can_sign_) return absl::FailedPreconditionError("signing key has no private part");
  // EdDSA hashes internally (one-shot, no digest); the others sign SHA-256.
  const EVP_MD* md = algorithm_ == JwsAlgorithm::kEdDsa ? nullptr : FetchedSha256();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, signing_input.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("OpenSSL could not start signing");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data,
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("OpenSSL could not sign");
  }
  signature.resize(len);
  if (algorithm_ != JwsAlgorithm::kEs256) return signature;
  // Low-S form: the token has one string, and VerifyJws accepts it (see ecdsa_signature.h).
  std::optional<std::string> raw = Es256DerToRaw(signature);
  if (!raw.has_value()) return absl::InternalError("OpenSSL returned a malformed ECDSA signature");
  return *std::move(raw);
}

bool SigningKey::Verify(std::string_view signing_input, std::string_view signature) const {
  switch (algorithm_) {
    case JwsAlgorithm::kEs256: {
      std::optional<std::string> der = Es256RawToDer(signature);
      return der.has_value() && verifier_.Verify(signing_input, *der);
    }
    case JwsAlgorithm::kRs256:
      return verifier_.Verify(signing_input, signature);
    case JwsAlgorithm::kEdDsa:
      break;
  }
  // EdDSA hashes inside the signature scheme: one-shot, with no digest.
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace warden::jose
