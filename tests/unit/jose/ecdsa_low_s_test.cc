// ECDSA malleability: (r, s) and (r, n - s) are both valid signatures of
// one message, so without a rule one Warden token has two strings. Warden signs low-S only
// and refuses the high-S twin of its own tokens.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <cstring>

#include "tests/unit/jose/jwt_test_support.h"
#include "validation/jose/ecdsa_signature.h"
#include "validation/jose/jws.h"

namespace warden::jose {
namespace {

using namespace jwt_testing;  // NOLINT(build/namespaces)

constexpr char kNotCanonical[] = "token signature is not in canonical low-S form";

// n, the order of P-256 (FIPS 186-4 D.1.2.3), and n/2 rounded down, big-endian: written out
// here rather than taken from the code under test.
constexpr char kOrderHex[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
constexpr char kHalfOrderHex[] = "7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8";

std::string HexToBytes(const char* hex) {
  BIGNUM* bn = nullptr;
  REQUIRE(BN_hex2bn(&bn, hex) > 0);
  std::string out(32, '\0');
  REQUIRE(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32) == 32);
  BN_free(bn);
  return out;
}

// The s half of a raw ES256 signature compared with n/2, as 32-byte big-endian numbers.
bool SIsLow(const std::string& raw) {
  REQUIRE(raw.size() == 64);
  return std::memcmp(raw.data() + 32, HexToBytes(kHalfOrderHex).data(), 32) <= 0;
}

// What an attacker does to a token: s replaced by n - s. Computed with OpenSSL directly.
std::string WithNegatedS(const std::string& raw) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* n = nullptr;
  REQUIRE(BN_hex2bn(&n, kOrderHex) > 0);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  REQUIRE(BN_sub(s, n, s) == 1);
  std::string out = raw;
  REQUIRE(BN_bn2binpad(s, reinterpret_cast<unsigned char*>(out.data()) + 32, 32) == 32);
  BN_free(s);
  BN_free(n);
  return out;
}

std::string SigningInput(const std::string& token) { return token.substr(0, token.rfind('.')); }
std::string Signature(const std::string& token) {
  return *Base64UrlDecode(token.substr(token.rfind('.') + 1));
}
std::string WithSignature(const std::string& token, const std::string& raw) {
  return absl::StrCat(SigningInput(token), ".", Base64UrlEncode(raw));
}

TEST_CASE("The high-S twin of a valid ES256 token is refused as not canonical", "[low_s]") {
  const std::string token = Mint(Claims());
  ExpectAccepted(token);
  const std::string twin_signature = WithNegatedS(Signature(token));
  // The twin is a mathematically valid signature of the same token: only the rule refuses it.
  REQUIRE(Es256().Verify(SigningInput(token), twin_signature));
  const std::string twin = WithSignature(token, twin_signature);
  REQUIRE(twin != token);
  ExpectRejected(twin, kNotCanonical);
}

TEST_CASE("Freshly signed ES256 tokens all have low S", "[low_s]") {
  // OpenSSL alone gives high S half of the time: 200 low in a row is chance 2^-200.
  for (int i = 0; i < 200; ++i) {
    JwtClaims claims = Claims();
    claims.name = absl::StrCat("token-", i);
    const std::string token = Mint(claims);
    INFO(i);
    REQUIRE(SIsLow(Signature(token)));
    ExpectAccepted(token);
  }
}

TEST_CASE("VerifyJws accepts either form only when low-S is not required", "[low_s]") {
  const std::string token = Mint(Claims());
  const std::string twin = WithSignature(token, WithNegatedS(Signature(token)));
  JwsOptions lenient;
  lenient.require_low_s = false;
  CHECK(VerifyJws(Ring(), token, lenient).ok());
  CHECK(VerifyJws(Ring(), twin, lenient).ok());
  CHECK(VerifyJws(Ring(), twin, JwsOptions()).status() ==
        absl::UnauthenticatedError(kNotCanonical));
  // Other algorithms have no such twin and are untouched by the rule.
  CHECK(VerifyJws(Ring(), Mint(Claims(), Rs256()), JwsOptions()).ok());
}

TEST_CASE("Es256IsLowS and Es256NegateS draw the line at n/2", "[low_s]") {
  const std::string r(32, '\x01');
  const std::string half = HexToBytes(kHalfOrderHex);
  std::string above = half;
  above[31] = static_cast<char>(above[31] + 1);  // n/2 + 1: ends in ...A9, no carry.
  CHECK(Es256IsLowS(r + half));
  CHECK_FALSE(Es256IsLowS(r + above));
  CHECK(Es256IsLowS(r + std::string(31, '\0') + "\x01"));
  CHECK_FALSE(Es256IsLowS(r + half + "x"));  // Not 64 bytes: not a canonical signature.

  REQUIRE(Es256NegateS(r + above).has_value());
  CHECK(*Es256NegateS(r + above) == WithNegatedS(r + above));
  CHECK(*Es256NegateS(r + above) == r + half);  // n - (n/2 + 1) = n/2, as n is odd.
  CHECK(*Es256NegateS(*Es256NegateS(r + half)) == r + half);
  CHECK_FALSE(Es256NegateS(r + std::string(32, '\0')).has_value());  // s = 0
  CHECK_FALSE(Es256NegateS(r + HexToBytes(kOrderHex)).has_value());  // s = n
  CHECK_FALSE(Es256NegateS(r).has_value());
}

}  // namespace
}  // namespace warden::jose
