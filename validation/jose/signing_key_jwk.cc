// SigningKey::FromJwk: public keys published by outside issuers (RFC 7517, 7518 §6, 8037 §2).

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "validation/jose/base64url.h"
#include "validation/jose/openssl_ptr.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxKidBytes = 1024;
constexpr size_t kCoordinateBytes = 32;  // P-256 coordinates and Ed25519 public keys.

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamsFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Names from the document, shortened so that a hostile JWKS cannot bloat error messages.
std::string Quoted(const std::string& name) {
  constexpr size_t kMaxShown = 40;
  return absl::StrCat("\"", name.substr(0, kMaxShown), name.size() > kMaxShown ? "..." : "", "\"");
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("JWK ", what));
}

// A required base64url member, decoded.
absl::StatusOr<std::string> Member(const Json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end()) return Invalid(absl::StrCat("has no \"", name, "\""));
  const auto* text = it->get_ptr<const std::string*>();
  std::optional<std::string> bytes;
  if (text != nullptr) bytes = Base64UrlDecode(*text);
  if (!bytes.has_value() || bytes->empty()) {
    return Invalid(absl::StrCat("member \"", name, "\" is not base64url"));
  }
  return *std::move(bytes);
}

// An optional string member; INVALID_ARGUMENT if present but not a string.
absl::StatusOr<std::optional<std::string>> OptionalString(const Json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end()) return std::optional<std::string>();
  const auto* text = it->get_ptr<const std::string*>();
  if (text == nullptr) return Invalid(absl::StrCat("member \"", name, "\" is not a string"));
  return std::optional<std::string>(*text);
}

// Builds a public key of OpenSSL type `type` from `params`, then checks it (for EC: that the
// point is on the curve).
absl::StatusOr<Pkey> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamsFree> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return Invalid(absl::StrCat("does not hold a valid ", type, " public key"));
  }
  Pkey pkey(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return Invalid(absl::StrCat("does not hold a valid ", type, " public key"));
  }
  return pkey;
}

absl::StatusOr<Pkey> RsaKey(const Json& jwk) {
  absl::StatusOr<std::string> n = Member(jwk, "n");
  if (!n.ok()) return n.status();
  absl::StatusOr<std::string> e = Member(jwk, "e");
  if (!e.ok()) return e.status();
  const auto bn = [](const std::string& bytes) {
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
  };
  BnPtr n_bn = bn(*n), e_bn = bn(*e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (n_bn == nullptr || e_bn == nullptr || bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1) {
    ERR_clear_error();
    return absl::InternalError("OpenSSL could not build an RSA key");
  }
  return FromParams("RSA", bld.get());
}

absl::StatusOr<Pkey> P256Key(const Json& jwk) {
  absl::StatusOr<std::string> x = Member(jwk, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<std::string> y = Member(jwk, "y");
  if (!y.ok()) return y.status();
  if (x->size() != kCoordinateBytes || y->size() != kCoordinateBytes) {
    return Invalid("P-256 coordinates must be 32 bytes each");
  }
  std::string point = absl::StrCat("\x04", *x, *y);  // SEC 1 uncompressed point.
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("OpenSSL could not build an EC key");
  }
  return FromParams("EC", bld.get());
}

absl::StatusOr<Pkey> Ed25519Key(const Json& jwk) {
  absl::StatusOr<std::string> x = Member(jwk, "x");
  if (!x.ok()) return x.status();
  if (x->size() != kCoordinateBytes) return Invalid("Ed25519 public key must be 32 bytes");
  Pkey pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size()));
  ERR_clear_error();
  if (pkey == nullptr) return Invalid("does not hold a valid Ed25519 public key");
  return pkey;
}

// The key type's algorithm name and its public key.
absl::StatusOr<std::pair<std::string, Pkey>> PublicKey(const Json& jwk) {
  absl::StatusOr<std::optional<std::string>> kty = OptionalString(jwk, "kty");
  if (!kty.ok()) return kty.status();
  if (!kty->has_value()) return Invalid("has no \"kty\"");
  absl::StatusOr<std::optional<std::string>> crv = OptionalString(jwk, "crv");
  if (!crv.ok()) return crv.status();
  const std::string curve = crv->value_or("");
  absl::StatusOr<Pkey> pkey;
  std::string alg;
  if (**kty == "RSA") {
    alg = "RS256";
    pkey = RsaKey(jwk);
  } else if (**kty == "EC" && curve == "P-256") {
    alg = "ES256";
    pkey = P256Key(jwk);
  } else if (**kty == "OKP" && curve == "Ed25519") {
    alg = "EdDSA";
    pkey = Ed25519Key(jwk);
  } else if (**kty == "EC" || **kty == "OKP") {
    return Invalid(absl::StrCat("curve ", Quoted(curve), " is not supported"));
  } else {
    return Invalid(absl::StrCat("key type ", Quoted(**kty), " is not supported"));
  }
  if (!pkey.ok()) return pkey.status();
  return std::make_pair(alg, *std::move(pkey));
}

absl::Status CheckUsage(const Json& jwk) {
  absl::StatusOr<std::optional<std::string>> use = OptionalString(jwk, "use");
  if (!use.ok()) return use.status();
  if (use->has_value() && **use != "sig") return Invalid("is not for signatures (\"use\")");
  if (const auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) return Invalid("member \"key_ops\" is not an array");
    bool verify = false;
    for (const Json& op : *ops)
      verify |= op.is_string() && op.get_ref<const std::string&>() == "verify";
    if (!verify) return Invalid("is not for verification (\"key_ops\")");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::FromJwk(const Json& jwk) {
  if (!jwk.is_object()) return Invalid("is not a JSON object");
  if (absl::Status usage = CheckUsage(jwk); !usage.ok()) return usage;
  absl::StatusOr<std::optional<std::string>> kid = OptionalString(jwk, "kid");
  if (!kid.ok()) return kid.status();
  if (kid->has_value() && ((*kid)->empty() || (*kid)->size() > kMaxKidBytes)) {
    return Invalid("member \"kid\" is empty or too long");
  }
  absl::StatusOr<std::optional<std::string>> alg = OptionalString(jwk, "alg");
  if (!alg.ok()) return alg.status();
  auto key = PublicKey(jwk);
  if (!key.ok()) return key.status();
  auto& [key_alg, pkey] = *key;
  if (alg->has_value() && **alg != key_alg) {
    return Invalid(absl::StrCat("algorithm ", Quoted(**alg), " is not supported for this key (",
                                key_alg, " is)"));
  }
  auto made = FromPkey(PkeyPtr(pkey.release()), /*can_sign=*/false, kid->value_or(""));
  if (!made.ok()) {
    return absl::Status(made.status().code(), absl::StrCat("JWK: ", made.status().message()));
  }
  return made;
}

}  // namespace warden::jose
