#pragma once

// What the tests of SignJwt and VerifyJwt share: one key per algorithm, a ring of them, the
// usual claims and options, tokens built by hand, and checks of the verdict.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"
#include "validation/jose/jwt.h"

namespace warden::jose::jwt_testing {

using Json = nlohmann::json;

inline constexpr char kIssuer[] = "https://warden.example.com";
inline constexpr char kAudience[] = "warden";
inline const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// Generating RSA keys is slow; every test shares one key per algorithm.
inline const std::shared_ptr<const SigningKey>& Key(JwsAlgorithm alg) {
  static const auto* const keys = new std::shared_ptr<const SigningKey>[] {
    SigningKey::Generate(JwsAlgorithm::kEs256), SigningKey::Generate(JwsAlgorithm::kRs256),
        SigningKey::Generate(JwsAlgorithm::kEdDsa),
  };
  return keys[static_cast<int>(alg)];
}
inline const SigningKey& Es256() { return *Key(JwsAlgorithm::kEs256); }
inline const SigningKey& Rs256() { return *Key(JwsAlgorithm::kRs256); }

inline const KeyRing& Ring() {
  static const KeyRing* const ring = new KeyRing(*KeyRing::Create(
      {Key(JwsAlgorithm::kEs256), Key(JwsAlgorithm::kRs256), Key(JwsAlgorithm::kEdDsa)}));
  return *ring;
}

inline JwtClaims Claims() {
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

inline VerifyOptions Options() {
  VerifyOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

inline Json Header(const SigningKey& key) {
  return {{"alg", AlgorithmName(key.algorithm())}, {"kid", key.kid()}, {"typ", "JWT"}};
}

inline Json Payload() {
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
inline std::string SignedText(const SigningKey& key, std::string_view header,
                              std::string_view payload) {
  const std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  const auto signature = key.Sign(input);
  REQUIRE(signature.ok());
  return absl::StrCat(input, ".", Base64UrlEncode(*signature));
}
inline std::string SignedWith(const SigningKey& key, const Json& header, const Json& payload) {
  return SignedText(key, header.dump(), payload.dump());
}

inline std::string Mint(const JwtClaims& claims, const SigningKey& key = Es256()) {
  const auto token = SignJwt(key, claims);
  REQUIRE(token.ok());
  return *token;
}

inline std::vector<std::string> Parts(const std::string& token) {
  return absl::StrSplit(token, '.');
}

// Asserts UNAUTHENTICATED with exactly `reason`, and that the reason echoes no part of the token.
inline void ExpectRejected(const std::string& token, std::string_view reason, absl::Time now = kNow,
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

inline void ExpectAccepted(const std::string& token, absl::Time now = kNow,
                           const VerifyOptions& options = Options()) {
  const auto claims = VerifyJwt(Ring(), token, options, now);
  INFO(claims.status().ToString());
  CHECK(claims.ok());
}
}  // namespace warden::jose::jwt_testing
