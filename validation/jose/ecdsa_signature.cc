#include "validation/jose/ecdsa_signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>

#include "glog/logging.h"
#include "validation/jose/openssl_ptr.h"

namespace warden::jose {
namespace {

constexpr size_t kHalfBytes = kEs256SignatureBytes / 2;

struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

// n, the order of P-256, and n / 2 (rounded down), computed once. Never freed.
struct P256Order {
  const BIGNUM* n;
  const BIGNUM* half;
};
const P256Order& Order() {
  static const P256Order order = [] {
    EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    CHECK(group != nullptr) << "OpenSSL has no P-256";
    BIGNUM* n = BN_dup(EC_GROUP_get0_order(group));
    EC_GROUP_free(group);
    BIGNUM* half = BN_new();
    CHECK(n != nullptr && half != nullptr && BN_rshift1(half, n) == 1);
    return P256Order{n, half};
  }();
  return order;
}

BnPtr HalfToBn(std::string_view raw, size_t offset) {
  return BnPtr(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + offset, kHalfBytes, nullptr));
}

// r||s from two numbers, each zero-padded to 32 bytes; nullopt if one is longer.
std::optional<std::string> ToRaw(const BIGNUM* r, const BIGNUM* s) {
  std::string raw(kEs256SignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kHalfBytes) < 0 || BN_bn2binpad(s, out + kHalfBytes, kHalfBytes) < 0) {
    return std::nullopt;
  }
  return raw;
}

}  // namespace

std::optional<std::string> Es256DerToRaw(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (sig == nullptr) return std::nullopt;
  std::optional<std::string> raw = ToRaw(ECDSA_SIG_get0_r(sig.get()), ECDSA_SIG_get0_s(sig.get()));
  if (!raw.has_value() || Es256IsLowS(*raw)) return raw;
  return Es256NegateS(*raw);
}

std::optional<std::string> Es256RawToDer(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  BnPtr r = HalfToBn(raw, 0);
  BnPtr s = HalfToBn(raw, kHalfBytes);
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr) return std::nullopt;
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // Now owned by sig.
  s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

bool Es256IsLowS(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return false;
  BnPtr s = HalfToBn(raw, kHalfBytes);
  return s != nullptr && BN_cmp(s.get(), Order().half) <= 0;
}

std::optional<std::string> Es256NegateS(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  BnPtr r = HalfToBn(raw, 0);
  BnPtr s = HalfToBn(raw, kHalfBytes);
  if (r == nullptr || s == nullptr || BN_is_zero(s.get()) || BN_cmp(s.get(), Order().n) >= 0) {
    return std::nullopt;
  }
  BnPtr negated(BN_new());
  if (negated == nullptr || BN_sub(negated.get(), Order().n, s.get()) != 1) return std::nullopt;
  return ToRaw(r.get(), negated.get());
}

}  // namespace warden::jose
